// Memory of the catalog servers under the probes that used to blow past the pod's limit, each on
// a fresh real server process (`node servers/main.ts <name>`, default settings unless noted):
// 10,000 × 64 KiB kv_set, 30,000 spellings of one time zone, 300 one-MiB reads through the result
// cache, a runaway doubling query, and 32 clients of mixed calls. Prints the resident memory of the
// server (with its child processes) before, at peak, and after each probe. Bounded in requests and
// seconds. Run by `npm run bench:servers` (BENCH_MEMORY=0 skips it) or on its own:
//   node hack/bench/memoryProbes.ts
// On a large host V8 sizes its heap from the host's memory and collects lazily; in a pod it sizes
// it from the container's limit. To see what a pod sees, give the heap ceiling of the pod and the
// compiled servers, e.g. (384Mi limit):
//   npm run build && BENCH_SERVER_MAIN=$PWD/dist/servers/main.js NODE_OPTIONS=--max-old-space-size=192 node hack/bench/memoryProbes.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// BENCH_SERVER_MAIN runs another checkout's entry point (before/after comparisons).
const MAIN = process.env.BENCH_SERVER_MAIN ?? fileURLToPath(new URL('../../servers/main.ts', import.meta.url));
const MIB = 1024 * 1024;

/** Resident bytes of a process and all its descendants (database query processes included). */
function treeRss(pid: number): number {
  let total = 0;
  const visit = (id: number) => {
    try {
      total += Number(readFileSync(`/proc/${id}/statm`, 'utf8').split(' ')[1]) * 4096;
      for (const task of readFileSync(`/proc/${id}/task/${id}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(task));
    } catch {
      // The process ended while we looked.
    }
  };
  visit(pid);
  return total;
}

interface Server {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

async function startServer(catalog: string, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [MAIN, catalog], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"address":"[^"]*:(\d+)"/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${catalog} exited with ${code}: ${output}`)));
  });
  child.stdout?.resume();
  return {
    child,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

function callTool(agent: Agent, port: number, name: string, args: Record<string, unknown>): Promise<{ ok: boolean; bytes: number }> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name, arguments: args, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } },
  });
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name } },
      (res) => {
        let bytes = 0;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (text.length < 200) text += chunk.toString();
        });
        res.on('end', () => resolve({ ok: res.statusCode === 200 && !text.includes('"isError":true'), bytes }));
      },
    );
    req.on('error', () => resolve({ ok: false, bytes: 0 }));
    req.setTimeout(60_000, () => req.destroy());
    req.end(body);
  });
}

interface ProbeResult {
  name: string;
  beforeMiB: number;
  peakMiB: number;
  afterMiB: number;
  calls: number;
  failed: number;
  note: string;
}

/** Runs `count` calls with `concurrency` workers, at most `maxSeconds`, sampling memory. */
async function probe(
  name: string,
  server: Server,
  count: number,
  concurrency: number,
  maxSeconds: number,
  makeCall: (i: number) => [string, Record<string, unknown>],
  note = '',
): Promise<ProbeResult> {
  const pid = server.child.pid ?? 0;
  const before = treeRss(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRss(pid))), 20);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = Date.now() + maxSeconds * 1000;
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && Date.now() < deadline) {
        const [tool, args] = makeCall(next++);
        if (!(await callTool(agent, server.port, tool, args)).ok) failed += 1;
      }
    }),
  );
  clearInterval(sampler);
  agent.destroy();
  if (server.child.exitCode !== null || server.child.signalCode !== null) note = `${note ? `${note}; ` : ''}server crashed (${server.child.signalCode ?? `exit ${server.child.exitCode}`})`;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = treeRss(pid);
  peak = Math.max(peak, after);
  return { name, beforeMiB: before / MIB, peakMiB: peak / MIB, afterMiB: after / MIB, calls: next, failed, note };
}

function caseVariant(zone: string, variant: number): string {
  let bit = 0;
  return [...zone].map((char) => (/[a-z]/i.test(char) ? ((variant >> bit++) & 1 ? char.toUpperCase() : char.toLowerCase()) : char)).join('');
}

export async function runMemoryProbes(): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mcpfleet-membench-'));
  try {
    const value = 'v'.repeat(64 * 1024);
    let server = await startServer('utility', {});
    results.push(await probe('utility: 10,000 × 64 KiB kv_set', server, 10_000, 32, 60, (i) => ['kv_set', { key: `k${i}`, value }], 'refused past KV_MAX_TOTAL_BYTES'));
    await server.stop();

    server = await startServer('utility', {});
    results.push(await probe('utility: 30,000 get_time zone spellings', server, 30_000, 32, 60, (i) => ['get_time', { timezone: caseVariant('America/Argentina/Buenos_Aires', i) }]));
    await server.stop();

    mkdirSync(join(dir, 'files'));
    const mib = Buffer.alloc(MIB, 'a');
    for (let i = 0; i < 300; i += 1) writeFileSync(join(dir, 'files', `f${i}.txt`), mib);
    server = await startServer('filesystem', { FS_ROOTS: join(dir, 'files'), FS_MAX_READ_BYTES: String(4 * MIB), CACHE_TTL_SECONDS: '600' });
    results.push(await probe('filesystem: 300 × 1 MiB reads, result cache on', server, 300, 8, 60, (i) => ['read_file', { path: `f${i}.txt` }], 'cache bounded by CACHE_MAX_BYTES'));
    await server.stop();

    server = await startServer('database', {});
    const doubling = "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r WHERE length(s) < 1000000000) SELECT max(length(s)) FROM r";
    results.push(await probe('database: doubling CTE towards 1 GB', server, 1, 1, 60, () => ['query', { sql: doubling }], 'stopped at DATABASE_MAX_QUERY_MEMORY_BYTES'));
    results.push(await probe('database: randomblob(500000000)', server, 1, 1, 60, () => ['query', { sql: 'SELECT length(randomblob(500000000))' }]));
    results.push(await probe('database: 32 clients × query', server, 4000, 32, 20, (i) => ['query', { sql: 'SELECT * FROM users WHERE id > ? LIMIT 20', params: [i % 5] }]));
    await server.stop();

    server = await startServer('utility', {});
    results.push(
      await probe('utility: 32 clients, mixed calls', server, 20_000, 32, 20, (i) =>
        i % 3 === 0 ? ['kv_set', { key: `load:${i % 500}`, value: 'x'.repeat(1024) }] : i % 3 === 1 ? ['kv_get', { key: `load:${i % 500}` }] : ['get_time', { timezone: 'Europe/Paris' }],
      ),
    );
    await server.stop();

    writeFileSync(join(dir, 'files', 'small.txt'), 'hello\n'.repeat(500));
    server = await startServer('filesystem', { FS_ROOTS: join(dir, 'files') });
    results.push(await probe('filesystem: 32 clients × read/search', server, 6000, 32, 20, (i) => (i % 4 === 0 ? ['search_files', { pattern: 'f1*' }] : ['read_file', { path: 'small.txt' }])));
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export function printMemoryProbes(results: ProbeResult[]): void {
  console.log('\nresident memory of the catalog servers (server + child processes), MiB:');
  console.log('probe                                          before     peak    after    calls  failed');
  for (const r of results) {
    console.log(`${r.name.padEnd(45)} ${r.beforeMiB.toFixed(0).padStart(7)} ${r.peakMiB.toFixed(0).padStart(8)} ${r.afterMiB.toFixed(0).padStart(8)} ${String(r.calls).padStart(8)} ${String(r.failed).padStart(7)}  ${r.note}`);
  }
  const peak = Math.max(...results.map((r) => r.peakMiB));
  console.log(`highest peak: ${peak.toFixed(0)} MiB (default memory limit of a catalog server pod: 384Mi)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runMemoryProbes().then(
    (results) => {
      printMemoryProbes(results);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
