// In-process CPU cost per request of each layer (no sockets): SDK handler.fetch via the kit pool.
import { createMcpHandler } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { McpServerPool, buildMcpServer } from '/work/main/servers/kit/mcpServer.ts';
import { createToolRunner } from '/work/main/servers/kit/toolRunner.ts';
import { createKitMetrics } from '/work/main/servers/kit/metrics.ts';
import { createLogger } from '/work/main/servers/kit/logger.ts';
import { defineTool } from '/work/main/servers/kit/tool.ts';
import { PassThrough } from 'node:stream';

const inputSchema = z.object({ text: z.string().max(1000) });
const outputSchema = z.object({ text: z.string() });
const tool = defineTool({ name: 'echo', title: 'Echo', description: 'Echoes text', inputSchema, outputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ text }) => ({ text }) });
const catalog = { name: 'bench', version: '1.0.0', tools: [tool] };
const sink = new PassThrough(); sink.resume();
const logger = createLogger({ level: 'warn', stream: sink });
const metrics = createKitMetrics({ defaultMetrics: false });
const runner = createToolRunner(tool, { serverName: 'bench', metrics, logger, toolTimeoutMs: 30000, cache: undefined, cacheTtlSeconds: 0, shutdownSignal: new AbortController().signal });
const runners = new Map([['echo', runner as never]]);
const pool = new McpServerPool(() => buildMcpServer(catalog, runners));
const handler = createMcpHandler(pool.factory, { legacy: 'stateless', responseMode: 'auto' });
const body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hello' }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } } };
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo', host: '127.0.0.1' };

async function once(): Promise<void> {
  const ac = new AbortController();
  const req = new Request('http://127.0.0.1/mcp', { method: 'POST', headers, signal: ac.signal });
  const res = await handler.fetch(req, { parsedBody: structuredClone(body) });
  const buf = await res.arrayBuffer();
  if (res.status !== 200 || buf.byteLength < 10) throw new Error(`bad ${res.status}`);
}
async function run(n: number, c: number) {
  let left = n;
  const worker = async () => { while (left-- > 0) await once(); };
  const cpu0 = process.cpuUsage(); const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, worker));
  const cpu = process.cpuUsage(cpu0); const ms = performance.now() - t0;
  console.log(`n=${n} c=${c}: ${(1000 * ms / n).toFixed(1)} us wall/op, ${((cpu.user + cpu.system) / n).toFixed(1)} us cpu/op, pool created ${pool.created}`);
}
await run(3000, 8);
await run(20000, 1);
await run(20000, 32);
await run(20000, 32);
