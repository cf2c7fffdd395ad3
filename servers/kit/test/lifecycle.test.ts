// Process-level behaviour: graceful drain on SIGTERM in a real child process, and stdio mode
// through the real entry point.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { connectClient } from '../testing.ts';
import { pollUntil, rawRequest, toolsCallBody, toolsCallHeaders } from './httpHelpers.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('kit lifecycle', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('drains on SIGTERM: the in-flight call completes, new requests get 503, exit code 0', async () => {
    child = spawn(process.execPath, [here('./drainChild.ts')], {
      env: { ...process.env, DRAIN_TIMEOUT: '20', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = child;
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await pollUntil(() => stdout.includes('\n'), 'the child to print its URL');
    const { url, baseUrl } = JSON.parse(stdout.split('\n')[0] ?? '') as { url: string; baseUrl: string };

    const client = await connectClient(url);
    const slowCall = client.callTool({ name: 'slow', arguments: { ms: 1500 } });
    await pollUntil(() => stdout.includes('SLOW_STARTED'), 'the slow call to start');
    proc.kill('SIGTERM');

    await pollUntil(async () => (await rawRequest(`${baseUrl}/readyz`).catch(() => ({ status: 0 }))).status === 503, 'readiness to fail');
    const refused = await rawRequest(url, { method: 'POST', headers: toolsCallHeaders('lookup'), body: toolsCallBody('lookup', { word: 'late' }) });
    assert.equal(refused.status, 503);
    assert.match(refused.body, /shutting down/);

    const result = await slowCall;
    assert.equal(result.isError, undefined, `slow call failed: ${JSON.stringify(result)}`);
    assert.deepEqual(result.structuredContent, { waitedMs: 1500 });
    assert.equal(await exited, 0, `child stderr: ${stderr}`);
    await client.close().catch(() => {});
  });

  it('serves stdio through `node servers/main.ts utility` with MCP_TRANSPORT=stdio', async () => {
    for (const protocol of ['current', 'legacy'] as const) {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [here('../../main.ts'), 'utility'],
        env: { ...(process.env as Record<string, string>), MCP_TRANSPORT: 'stdio', LOG_LEVEL: 'warn' },
        stderr: 'pipe',
      });
      const client = new Client({ name: 'stdio-test', version: '1.0.0' }, protocol === 'current' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
      await client.connect(transport);
      try {
        assert.equal(client.getProtocolEra(), protocol === 'current' ? 'modern' : 'legacy');
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['convert_time', 'get_time', 'kv_delete', 'kv_get', 'kv_list', 'kv_set']);
        await client.callTool({ name: 'kv_set', arguments: { key: 'greeting', value: 'hello' } });
        const got = await client.callTool({ name: 'kv_get', arguments: { key: 'greeting' } });
        assert.equal((got.structuredContent as { value: string }).value, 'hello');
        const time = await client.callTool({ name: 'get_time', arguments: { timezone: 'Asia/Tokyo' } });
        assert.equal((time.structuredContent as { utc_offset: string }).utc_offset, '+09:00');
      } finally {
        await client.close();
      }
    }
  });
});
