// An McpServer applied while the demo runs gets its local URL reported once Ready, and that URL
// answers MCP: against kube-sim with the real operator and in-process catalog servers.
import assert from 'node:assert/strict';
import { connectClient } from '../../servers/kit/testing.ts';
import { startHarness, utilityServer, waitFor, type Harness } from '../../operator/test/harness.ts';
import type { ClientTarget } from './client-config.ts';
import { watchNewServers, type NewServerWatch } from './new-servers.ts';

describe('demo: McpServers applied while it runs', function () {
  this.timeout(90_000);
  let h: Harness | undefined;
  let watch: NewServerWatch | undefined;
  after(async () => {
    watch?.stop();
    await h?.stop();
  });

  it('reports each new McpServer once, with a local URL that answers MCP, and skips the known ones', async () => {
    h = await startHarness();
    await h.apply(utilityServer('known'));
    const reports: [string, ClientTarget][] = [];
    watch = watchNewServers(h.sim, ['team-a/known'], (key, target) => reports.push([key, target]), 100);
    await h.apply(utilityServer('added', 'team-b'));
    const [key, target] = await waitFor('the new server reported', () => reports.find(([k]) => k === 'team-b/added'), 60_000);
    assert.equal(key, 'team-b/added');
    assert.match(target.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connectClient(target.url);
    try {
      assert.ok((await client.listTools()).tools.some((t) => t.name === 'kv_get'));
    } finally {
      await client.close();
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(reports.map(([k]) => k), ['team-b/added'], 'reported once; the known server never');
  });
});
