// TOOL_POLICY on the kit's own tools, through the real MCP client on both protocol revisions
// (the 2026-07-28 fast path and the SDK entry): hidden tools are neither listed nor callable,
// renamed tools answer under the new name only, and tools/list reports the counts.
import assert from 'node:assert/strict';
import { connectClient, startTestServer, TEST_PROTOCOLS, type TestServer } from '../testing.ts';
import { TOOL_SURFACE_META_KEY } from '../toolSurface.ts';
import { fixtureServer } from './fixtures.ts';

describe('kit tool policy on catalog tools', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    const policy = { deny: ['incr*'], overrides: { lookup: { name: 'find', title: 'Find', description: 'Finds a word.' } } };
    server = await startTestServer(fixtureServer(), { TOOL_POLICY: JSON.stringify(policy) });
  });
  after(() => server.close());

  for (const protocol of TEST_PROTOCOLS) {
    it(`hides, renames and counts over ${protocol}`, async () => {
      const client = await connectClient(server.url, { protocol });
      try {
        const listed = await client.listTools();
        const names = listed.tools.map((t) => t.name);
        assert.ok(names.includes('find') && !names.includes('lookup'), names.join(', '));
        assert.ok(!names.some((n) => n.startsWith('incr')), 'denied tool hidden');
        const find = listed.tools.find((t) => t.name === 'find')!;
        assert.equal(find.description, 'Finds a word.');
        assert.equal(find.title, 'Find');
        const surface = listed._meta?.[TOOL_SURFACE_META_KEY] as { offered: number; exposed: number };
        assert.equal(surface.exposed, names.length);
        assert.equal(surface.offered, fixtureServer().tools.length);
        const found = await client.callTool({ name: 'find', arguments: { word: 'abc' } });
        assert.match(JSON.stringify(found.content), /ABC/);
        for (const hidden of ['lookup', ...fixtureServer().tools.map((t) => t.name).filter((n) => n.startsWith('incr'))]) {
          await assert.rejects(client.callTool({ name: hidden, arguments: { word: 'abc' } }), new RegExp(`Tool ${hidden} not found`));
        }
      } finally {
        await client.close();
      }
    });
  }
});
