// `npm run demo` end to end: the operator brings every no-cloud example to Ready with catalog
// servers running as real local processes, and those servers answer real MCP calls.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectClient } from '../../servers/kit/testing.ts';
import { offlineExamples, startDemo, type Demo } from './demo.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm run demo', function () {
  this.timeout(120_000);
  let demo: Demo | undefined;
  let workDir = '';
  after(async () => {
    await demo?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('selects only the examples that need no cloud', () => {
    const files = offlineExamples(repoRoot).map((e) => e.file);
    assert.ok(files.includes('quickstart.yaml'));
    assert.ok(!files.includes('weather-eks-alb.yaml'), 'the EKS example needs AWS');
  });

  it('brings every applied McpServer to Ready and serves MCP from local processes', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-demo-'));
    demo = await startDemo({ repoRoot, workDir, log: () => undefined, logLevel: 'error' });
    assert.equal(demo.serversBuilt, true);
    const { ready, notReady } = await demo.waitUntilReady(90_000);
    assert.ok(ready, `not Ready: ${notReady.join(', ')}`);
    const utility = demo.servers().find((s) => s.name === 'utility');
    assert.ok(utility && utility.urls.length > 0);
    const client = await connectClient(utility.urls[0]!);
    try {
      const result = await client.callTool({ name: 'kv_set', arguments: { key: 'demo', value: 'works' } });
      assert.notEqual(result.isError, true);
      const read = await client.callTool({ name: 'kv_get', arguments: { key: 'demo' } });
      assert.match(JSON.stringify(read.structuredContent), /works/);
    } finally {
      await client.close();
    }
    const database = demo.servers().find((s) => s.catalog === 'database');
    if (database) {
      assert.ok(database.apiKey, 'the demo made the API key Secret');
      await assert.rejects(connectClient(database.urls[0]!), 'no key, no MCP');
      const keyed = await connectClient(database.urls[0]!, { headers: { 'x-api-key': database.apiKey } });
      const tables = await keyed.callTool({ name: 'list_tables', arguments: {} });
      assert.match(JSON.stringify(tables.structuredContent), /users/);
      await keyed.close();
    }
  });
});
