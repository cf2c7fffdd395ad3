// Pinning enforcement in the stdio bridge, with the real MCP client: with no approved digests yet
// every tool of the stdio server is withheld (and reported with its digest, the way the operator
// adopts a first surface), approving one digest in the baseline file exposes exactly that tool
// within seconds, and the others stay unlisted and refused by name.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureStream, pollUntil } from '../../kit/test/httpHelpers.ts';
import { createLogger } from '../../kit/logger.ts';
import { connectClient, startTestServer, type TestServer } from '../../kit/testing.ts';
import { TOOL_SURFACE_META_KEY, type ToolSurfaceMeta } from '../../kit/toolSurface.ts';
import { openStdioBridgeServer } from '../open.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtureServer.ts');

describe('stdio bridge with pinning enforced', function () {
  this.timeout(120_000);
  let dir: string;
  let server: TestServer;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-bridge-pinning-'));
    await writeFile(path.join(dir, 'baseline.json'), '{}\n');
    const logger = createLogger({ level: 'error', stream: captureStream().stream });
    const catalog = await openStdioBridgeServer(
      { ...process.env, BRIDGE_COMMAND: JSON.stringify([process.execPath, FIXTURE]), BRIDGE_START_TIMEOUT: '60', TOOL_BASELINE_FILE: path.join(dir, 'baseline.json'), TOOL_POLICY: JSON.stringify({ deny: ['crash'] }) },
      { logger },
    );
    server = await startTestServer(catalog);
  });
  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('withholds unapproved tools until their digest is approved in the baseline file', async () => {
    const client = await connectClient(server.url);
    try {
      const first = await client.listTools();
      assert.deepEqual(first.tools, [], 'nothing approved yet: nothing exposed');
      const surface = first._meta?.[TOOL_SURFACE_META_KEY] as ToolSurfaceMeta;
      assert.ok(surface.digests?.whoami && surface.digests.slow, 'every tool the policy lets through is reported with its digest');
      assert.ok(!Object.hasOwn(surface.digests, 'crash'), 'a denied tool is not reported');
      assert.ok(surface.withheld?.includes('whoami') && surface.withheld.includes('slow'));
      await assert.rejects(client.callTool({ name: 'whoami', arguments: {} }), /Tool whoami is withheld/);

      await writeFile(path.join(dir, 'baseline.json'), JSON.stringify({ approved: { whoami: surface.digests.whoami } }));
      await pollUntil(async () => (await client.listTools()).tools.some((t) => t.name === 'whoami'), 'whoami exposed after approval', 30_000);
      const listed = await client.listTools();
      assert.deepEqual(listed.tools.map((t) => t.name), ['whoami']);
      const pid = await client.callTool({ name: 'whoami', arguments: {} });
      assert.ok(!pid.isError, JSON.stringify(pid.content));
      await assert.rejects(client.callTool({ name: 'slow', arguments: { ms: 1 } }), /Tool slow is withheld/);
      await assert.rejects(client.callTool({ name: 'crash', arguments: {} }), /Tool crash not found/);
    } finally {
      await client.close();
    }
  });
});
