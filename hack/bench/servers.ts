// Benchmark: tools/call throughput and latency of the kit against (a) a plain node:http
// JSON-RPC echo server (the ceiling) and (b) the SDK's own stateless pattern (a new McpServer
// per request through createMcpHandler — what a user gets without the kit), all measured in the
// same run, each server in its own child process. Also the kit in proxy mode (the sidecar of image
// servers, with a tool policy) in front of the SDK-pattern server, so one run gives kit direct vs
// kit as a proxy vs the bare upstream. Also the kit with tracing on (every call sampled, spans
// exported as OTLP/protobuf to a loopback receiver in this process) against the kit with it off.
// Also the heap retained per request after 50,000 calls.
// Every phase is capped in requests and seconds.
//
//   npm run bench:servers            (or: node hack/bench/servers.ts)
//   BENCH_SCALE=0.2 npm run bench:servers   (shorter run)
//   BENCH_VARIANTS=plain,kit,kit-sdk-path   (kit-sdk-path: the kit with its direct path off, so
//                                            every call takes the SDK's HTTP entry)
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

type Variant = 'plain' | 'sdk-example' | 'kit' | 'kit-sdk-path' | 'kit-proxy' | 'upstream' | 'kit-traced' | 'kit-untraced';
const VARIANTS: Variant[] = (process.env.BENCH_VARIANTS?.split(',') as Variant[] | undefined) ?? ['plain', 'sdk-example', 'kit', 'kit-proxy', 'kit-traced'];
/** Extra node flags for the server processes, e.g. BENCH_CHILD_FLAGS=--cpu-prof for profiling. */
const CHILD_FLAGS = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean);
const SCALE = Math.min(1, Math.max(0.05, Number(process.env.BENCH_SCALE ?? '1')));
const PHASES = [
  { name: 'c=1', concurrency: 1, maxRequests: Math.round(4000 * SCALE), maxSeconds: 6 * SCALE + 1 },
  { name: 'c=32', concurrency: 32, maxRequests: Math.round(40_000 * SCALE), maxSeconds: 10 * SCALE + 1 },
];
const HEAP_CALLS = Math.round(50_000 * SCALE);
/** Alternating runs per phase when a variant is measured against its baseline. */
const ROUNDS = 3;
/** Variants measured interleaved with a baseline server: which one it serves, and its name in the results. */
const COMPANIONS: Partial<Record<Variant, { serve: Variant; as: Variant }>> = {
  'kit-proxy': { serve: 'sdk-example', as: 'upstream' },
  'kit-traced': { serve: 'kit', as: 'kit-untraced' },
};

function medianByRps(runs: PhaseResult[]): PhaseResult {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)] as PhaseResult;
}
const HEAP_MAX_SECONDS = 90;

const REQUEST_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: {
    name: 'echo',
    arguments: { text: 'hello' },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});
const REQUEST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
  'content-length': String(Buffer.byteLength(REQUEST_BODY)),
};

// ---------------------------------------------------------------- child side (the servers)

async function serveVariant(variant: Variant, upstreamPort: number | undefined): Promise<number> {
  const { z } = await import('zod');
  const inputSchema = z.object({ text: z.string().max(1000) });
  const outputSchema = z.object({ text: z.string() });

  if (variant === 'plain') {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; params: { arguments: { text: string } } };
        const structured = { text: message.params.arguments.text };
        const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured } });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  if (variant === 'sdk-example') {
    const { McpServer, createMcpHandler } = await import('@modelcontextprotocol/server');
    const { toNodeHandler } = await import('@modelcontextprotocol/node');
    // The SDK's documented stateless pattern: a fresh server (and its registrations) per request.
    const handler = createMcpHandler(() => {
      const mcp = new McpServer({ name: 'bench', version: '1.0.0' }, { capabilities: { tools: {} } });
      mcp.registerTool('echo', { title: 'Echo', description: 'Echoes text', inputSchema, outputSchema }, async ({ text }: { text: string }) => ({
        structuredContent: { text },
        content: [{ type: 'text' as const, text: JSON.stringify({ text }) }],
      }));
      return mcp;
    });
    const node = toNodeHandler(handler);
    const server = createServer((req, res) => void node(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  if (variant === 'kit-proxy') {
    const { parseProxyConfig } = await import('../../servers/proxy/config.ts');
    const { startProxy } = await import('../../servers/proxy/run.ts');
    const proxy = await startProxy(
      parseProxyConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}/mcp`, TOOL_POLICY: JSON.stringify({ deny: ['delete_*'] }) }),
      { defaultMetrics: true },
    );
    return proxy.port;
  }

  if (variant === 'kit-traced') {
    const { startTracing } = await import('../../servers/kit/tracing/start.ts');
    await startTracing({ serviceName: 'bench', env: { OTEL_EXPORTER_OTLP_ENDPOINT: process.env.BENCH_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER: 'always_on' } });
  }
  const { parseKitConfig } = await import('../../servers/kit/config.ts');
  const { startHttpKit } = await import('../../servers/kit/runtime.ts');
  const { defineTool } = await import('../../servers/kit/tool.ts');
  const kit = await startHttpKit(
    {
      name: 'bench',
      version: '1.0.0',
      tools: [
        defineTool({
          name: 'echo',
          title: 'Echo',
          description: 'Echoes text',
          inputSchema,
          outputSchema,
          annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
          handler: async ({ text }) => ({ text }),
        }),
      ],
    },
    parseKitConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    { fastPath: variant !== 'kit-sdk-path' },
  );
  return kit.port;
}

function childMain(variant: Variant, upstreamPort: number | undefined): void {
  serveVariant(variant, upstreamPort).then(
    (port) => process.send?.({ type: 'ready', port }),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
  process.on('message', (message: { type: string }) => {
    if (message.type === 'exit') process.exit(0); // a clean exit lets --cpu-prof write its file
    if (message.type === 'heap') {
      const gc = (globalThis as { gc?: () => void }).gc;
      for (let i = 0; i < 3; i += 1) gc?.();
      process.send?.({ type: 'heap', heapUsed: process.memoryUsage().heapUsed });
    }
  });
}

// ---------------------------------------------------------------- parent side (the load)

interface PhaseResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

function callOnce(agent: Agent, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: REQUEST_HEADERS, agent }, (res) => {
      let ok = res.statusCode === 200;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        ok = ok && body.includes('"structuredContent"') && !body.includes('"isError":true');
        resolve(ok);
      });
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end(REQUEST_BODY);
  });
}

async function runPhase(port: number, concurrency: number, maxRequests: number, maxSeconds: number): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(maxSeconds * 1e9));
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (issued < maxRequests && process.hrtime.bigint() < deadline) {
      issued += 1;
      const t0 = process.hrtime.bigint();
      const ok = await callOnce(agent, port);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: pick(0.5), p99: pick(0.99) };
}

function startChild(variant: Variant, upstreamPort?: number): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', variant, ...(upstreamPort ? [String(upstreamPort)] : [])], { execArgv: ['--expose-gc', ...CHILD_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready' && message.port) resolve({ child, port: message.port });
    });
  });
}

function heapOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string; heapUsed?: number }) => {
      if (message.type === 'heap') {
        child.off('message', onMessage);
        resolve(message.heapUsed ?? 0);
      }
    };
    child.on('message', onMessage);
    child.send({ type: 'heap' });
  });
}

const fmt = (value: number, digits = 0) => value.toFixed(digits).padStart(8);

/** An OTLP/HTTP receiver that accepts and discards span exports (an empty ExportTraceServiceResponse). */
async function startOtlpSink(): Promise<{ url: string; bytes: () => number; close(): void }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bytes: () => received, close: () => server.close() };
}

async function benchMain(): Promise<void> {
  console.log(`servers benchmark: trivial tools/call (2026-07-28), node ${process.version}, scale ${SCALE}`);
  const sink = VARIANTS.includes('kit-traced') ? await startOtlpSink() : undefined;
  if (sink) process.env.BENCH_OTLP_ENDPOINT = sink.url;
  const results = new Map<Variant, { phases: PhaseResult[]; heapPerRequest: number; heapCalls: number; heapErrors: number }>();
  for (const variant of VARIANTS) {
    // A variant compared with a baseline gets it in its own process, measured interleaved with it
    // (ROUNDS alternating runs per phase, the median kept), so both see the same machine load:
    // the proxy fronts its own SDK-pattern upstream (a third-party server stand-in); the traced
    // kit is compared with the same kit untraced.
    const companion = COMPANIONS[variant];
    const baseline = companion ? await startChild(companion.serve) : undefined;
    const { child, port } = await startChild(variant, variant === 'kit-proxy' ? baseline?.port : undefined);
    try {
      await runPhase(port, 8, Math.round(2000 * SCALE), 5); // warm-up: JIT, pools, caches
      if (baseline) await runPhase(baseline.port, 8, Math.round(2000 * SCALE), 5);
      const phases: PhaseResult[] = [];
      const baselinePhases: PhaseResult[] = [];
      for (const phase of PHASES) {
        if (!baseline) {
          phases.push(await runPhase(port, phase.concurrency, phase.maxRequests, phase.maxSeconds));
          continue;
        }
        const mine: PhaseResult[] = [];
        const theirs: PhaseResult[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          theirs.push(await runPhase(baseline.port, phase.concurrency, phase.maxRequests, phase.maxSeconds));
          mine.push(await runPhase(port, phase.concurrency, phase.maxRequests, phase.maxSeconds));
        }
        phases.push(medianByRps(mine));
        baselinePhases.push(medianByRps(theirs));
      }
      if (baseline && companion) results.set(companion.as, { phases: baselinePhases, heapPerRequest: Number.NaN, heapCalls: 0, heapErrors: 0 });
      // Heap retained: heap after GC, before and after HEAP_CALLS more calls.
      const before = await heapOf(child);
      const heapRun = await runPhase(port, 32, HEAP_CALLS, HEAP_MAX_SECONDS);
      const after = await heapOf(child);
      results.set(variant, { phases, heapPerRequest: (after - before) / Math.max(1, heapRun.requests), heapCalls: heapRun.requests, heapErrors: heapRun.errors });
    } finally {
      child.removeAllListeners('exit');
      child.send({ type: 'exit' });
      await new Promise((resolve) => setTimeout(resolve, CHILD_FLAGS.length > 0 ? 2000 : 100));
      child.kill('SIGKILL');
      baseline?.child.removeAllListeners('exit');
      baseline?.child.kill('SIGKILL');
    }
  }

  console.log('\nvariant       phase   requests  errors     req/s   p50 ms   p99 ms');
  for (const [variant, result] of results) {
    result.phases.forEach((phase, index) => {
      console.log(`${variant.padEnd(13)} ${(PHASES[index]?.name ?? '').padEnd(5)} ${fmt(phase.requests)} ${fmt(phase.errors)} ${fmt(phase.rps)} ${fmt(phase.p50, 2)} ${fmt(phase.p99, 2)}`);
    });
  }
  console.log('\nheap retained after GC, per request:');
  for (const [variant, result] of results) {
    if (Number.isNaN(result.heapPerRequest)) continue;
    console.log(`${variant.padEnd(13)} ${result.heapPerRequest.toFixed(2).padStart(8)} bytes/request over ${result.heapCalls} calls (${result.heapErrors} errors)`);
  }
  const rpsAt = (variant: Variant, index: number) => results.get(variant)?.phases[index]?.rps ?? 0;
  const last = PHASES.length - 1;
  const kitP99 = results.get('kit')?.phases[last]?.p99 ?? 0;
  console.log('\nfigures at 32 clients:');
  // A ratio needs both variants in this run (BENCH_VARIANTS may leave one out).
  const ratio = (a: Variant, b: Variant) => (results.has(a) && results.has(b) ? (rpsAt(a, last) / rpsAt(b, last)).toFixed(2) : 'n/a');
  console.log(`  kit / plain node:http     = ${ratio('kit', 'plain')}  (aim >= 0.25)`);
  console.log(`  kit / SDK example pattern = ${ratio('kit', 'sdk-example')}x`);
  if (results.has('kit-sdk-path')) console.log(`  kit / kit without direct path = ${ratio('kit', 'kit-sdk-path')}x`);
  console.log(`  kit p99                   = ${kitP99.toFixed(2)} ms  (aim < 20 ms)`);
  if (results.has('kit-proxy')) {
    const p99 = (v: Variant) => results.get(v)?.phases[last]?.p99 ?? 0;
    const p50c1 = (v: Variant) => results.get(v)?.phases[0]?.p50 ?? 0;
    console.log(`  kit proxy / bare upstream = ${ratio('kit-proxy', 'upstream')}x throughput; p50 at c=1 ${(p50c1('kit-proxy') - p50c1('upstream')).toFixed(2)} ms added, p99 at c=32 ${(p99('kit-proxy') - p99('upstream')).toFixed(2)} ms added (upstream: the SDK-pattern server, measured interleaved)`);
    console.log(`  kit proxy / kit direct    = ${ratio('kit-proxy', 'kit')}x throughput`);
  }
  if (results.has('kit-traced') && sink) {
    const p50c1 = (v: Variant) => results.get(v)?.phases[0]?.p50 ?? 0;
    const p99 = (v: Variant) => results.get(v)?.phases[last]?.p99 ?? 0;
    console.log(`  kit tracing on / off      = ${ratio('kit-traced', 'kit-untraced')}x throughput; p50 at c=1 ${(p50c1('kit-traced') - p50c1('kit-untraced')).toFixed(2)} ms added, p99 at c=32 ${(p99('kit-traced') - p99('kit-untraced')).toFixed(2)} ms added (every call sampled, measured interleaved; ${(sink.bytes() / 1e6).toFixed(1)} MB of OTLP/protobuf exported)`);
    sink.close();
  }
}

async function benchWithMemory(): Promise<void> {
  await benchMain();
  if (process.env.BENCH_MEMORY === '0') return;
  const { printMemoryProbes, runMemoryProbes } = await import('./memoryProbes.ts');
  printMemoryProbes(await runMemoryProbes());
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) {
  const upstreamArg = process.argv[serveIndex + 2];
  childMain(process.argv[serveIndex + 1] as Variant, upstreamArg ? Number(upstreamArg) : undefined);
} else {
  benchWithMemory().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
