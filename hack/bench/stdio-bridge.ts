// Benchmark: tools/call through the stdio bridge (kit HTTP → pool → stdio process) with one and
// with four processes, against a direct stdio client of the same server (the ceiling of one
// process) and the kit's own HTTP path on the SDK entry without any stdio hop (a utility tool),
// which separates the HTTP cost from the bridge's. The server is @modelcontextprotocol/server-everything's echo tool. Prints start-up
// time, calls/s and latency percentiles. Every phase is capped in calls and seconds.
//
//   npm run bench:bridge            (or: node hack/bench/stdio-bridge.ts)
//   BENCH_SCALE=0.2 npm run bench:bridge
import { createRequire } from 'node:module';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createLogger } from '../../servers/kit/logger.ts';
import { connectClient, startTestServer } from '../../servers/kit/testing.ts';
import { openStdioBridgeServer } from '../../servers/stdio-bridge/open.ts';
import { MemoryKvStore } from '../../servers/utility/lib/store.ts';
import { createServer as createUtilityServer } from '../../servers/utility/server.ts';

const SCALE = Math.min(1, Math.max(0.05, Number(process.env.BENCH_SCALE ?? '1')));
const CONCURRENCY = 16;
const MAX_CALLS = Math.round(4000 * SCALE);
const MAX_SECONDS = 8 * SCALE + 1;
const require = createRequire(import.meta.url);
const EVERYTHING = path.join(path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist', 'index.js');

type Call = () => Promise<unknown>;

async function measure(name: string, callers: Call[]): Promise<void> {
  const latencies: number[] = [];
  const deadline = Date.now() + MAX_SECONDS * 1000;
  let issued = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    callers.map(async (call) => {
      while (issued < MAX_CALLS && Date.now() < deadline) {
        issued += 1;
        const t0 = process.hrtime.bigint();
        await call();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
  console.log(`${name.padEnd(28)} ${String(latencies.length).padStart(6)} calls  ${(latencies.length / seconds).toFixed(0).padStart(6)} calls/s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms`);
}

async function bridgePhase(poolSize: number): Promise<void> {
  const sink = new PassThrough();
  sink.resume();
  const t0 = Date.now();
  const catalog = await openStdioBridgeServer(
    { ...process.env, BRIDGE_COMMAND: JSON.stringify([process.execPath, EVERYTHING, 'stdio']), BRIDGE_POOL_SIZE: String(poolSize), BRIDGE_MAX_IN_FLIGHT: '64', BRIDGE_MAX_QUEUED: '1000' },
    { logger: createLogger({ level: 'error', stream: sink }) },
  );
  const server = await startTestServer(catalog);
  console.log(`bridge with ${poolSize} process(es) started in ${Date.now() - t0} ms`);
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, () => connectClient(server.url)));
  try {
    await measure(`bridge, ${poolSize} process(es), c=${CONCURRENCY}`, clients.map((client) => () => client.callTool({ name: 'echo', arguments: { message: 'hello' } })));
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  }
}

async function directPhase(): Promise<void> {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }));
  try {
    await measure(`direct stdio, c=${CONCURRENCY}`, Array.from({ length: CONCURRENCY }, () => () => client.callTool({ name: 'echo', arguments: { message: 'hello' } })));
  } finally {
    await client.close();
  }
}

async function kitPhase(): Promise<void> {
  const server = await startTestServer(createUtilityServer({ store: new MemoryKvStore({ maxKeys: 10 }), maxValueBytes: 1024 }), {}, { fastPath: false });
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, () => connectClient(server.url)));
  try {
    await measure(`kit HTTP (SDK entry), c=${CONCURRENCY}`, clients.map((client) => () => client.callTool({ name: 'get_time', arguments: { timezone: 'UTC' } })));
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  }
}

await directPhase();
await kitPhase();
await bridgePhase(1);
await bridgePhase(4);
