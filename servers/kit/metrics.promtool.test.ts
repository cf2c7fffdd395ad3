// Every catalog server serves the kit's /metrics (no server registers metrics of its own, which
// the scan below holds true), so `promtool check metrics` on a real kit server after real tool
// calls covers every server.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promtoolCheckMetrics } from '../../hack/promtool/check-metrics.ts';
import { openUtilityServer } from '../utility/open.ts';
import { createLogger } from './logger.ts';
import { connectClient, startTestServer, type TestServer } from './testing.ts';
import { PassThrough } from 'node:stream';

const SERVERS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('kit /metrics and promtool', function () {
  this.timeout(60_000);
  let server: TestServer | undefined;
  after(async () => server?.close());

  it('passes `promtool check metrics` after real tool calls (default Node.js metrics included)', async () => {
    server = await startTestServer(await openUtilityServer({}, { logger: createLogger({ level: 'error', stream: new PassThrough() } as never), httpTimeoutMs: 5_000 }));
    const client = await connectClient(server.url);
    try {
      await client.callTool({ name: 'kv_set', arguments: { key: 'a', value: '1' } });
      await client.callTool({ name: 'kv_get', arguments: { key: 'missing' } });
    } finally {
      await client.close();
    }
    const exposition = await (await fetch(`${server.baseUrl}/metrics`)).text();
    assert.match(exposition, /mcp_tool_calls_total\{/);
    assert.match(exposition, /nodejs_active_handles\{/, 'the per-type gauges stay');
    const result = promtoolCheckMetrics(exposition);
    assert.ok(result.ok, result.output);
  });

  it('no catalog server registers Prometheus metrics outside the kit', () => {
    const offenders = sourceFiles(SERVERS_DIR).filter((file) => !file.endsWith(path.join('kit', 'metrics.ts')) && /new (Counter|Gauge|Histogram|Summary)\s*\(/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
