// Pinning enforcement in the proxy, with the real MCP client: the upstream (a kit server on
// loopback) is replaced on the same port by a version whose tool schema changed — the proxy sees
// it within its listing age bound, hides the changed tool and refuses calls to it by name, while
// the unchanged approved tool keeps working; approving the new digest exposes it again. An
// upstream's own surface report in tools/list never reaches clients (it could fake digests).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { freePort } from '../../../hack/cluster/src/ports.ts';
import { pollUntil } from '../../kit/test/httpHelpers.ts';
import { connectClient, defaultTestLogStream, startTestServer, type TestServer } from '../../kit/testing.ts';
import { defineTool } from '../../kit/tool.ts';
import type { CatalogServer } from '../../kit/tool.ts';
import { TOOL_SURFACE_META_KEY, type ToolSurfaceMeta } from '../../kit/toolSurface.ts';
import { parseProxyConfig } from '../config.ts';
import { startProxy, type RunningProxy } from '../run.ts';

function upstreamCatalog(version: 'v1' | 'v2'): CatalogServer {
  const lookupInput = version === 'v2' ? z.object({ word: z.string(), limit: z.number().int().optional() }) : z.object({ word: z.string() });
  const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
  return {
    name: 'changing',
    version: version === 'v2' ? '2.0.0' : '1.0.0',
    tools: [
      defineTool({ name: 'lookup', title: 'Lookup', description: 'Looks a word up.', inputSchema: lookupInput, outputSchema: z.object({ word: z.string() }), annotations, handler: async ({ word }) => ({ word }) }),
      defineTool({ name: 'ping', title: 'Ping', description: 'Answers pong.', inputSchema: z.object({}), outputSchema: z.object({ answer: z.string() }), annotations, handler: async () => ({ answer: 'pong' }) }),
    ],
  };
}

describe('kit proxy with pinning enforced', function () {
  this.timeout(120_000);
  let dir: string;
  let port: number;
  let upstream: TestServer | undefined;
  let proxy: RunningProxy;
  const baseline = () => path.join(dir, 'baseline.json');
  // The upstream reports a surface of its own (its deny list makes it do so): the proxy must replace it.
  const startUpstream = (version: 'v1' | 'v2') => startTestServer(upstreamCatalog(version), { PORT: String(port), TOOL_POLICY: JSON.stringify({ deny: ['nothing-*'] }) });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-proxy-pinning-'));
    port = await freePort();
    upstream = await startUpstream('v1');
    await writeFile(baseline(), '{}');
    const config = parseProxyConfig({ LOG_LEVEL: 'error', DRAIN_TIMEOUT: '5', PORT: '0', HOST: '127.0.0.1', UPSTREAM_URL: upstream.url, TOOL_BASELINE_FILE: baseline() });
    proxy = await startProxy(config, { logStream: defaultTestLogStream(), defaultMetrics: false });
  });
  after(async () => {
    await proxy?.shutdown();
    await upstream?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const surfaceOf = (listed: { _meta?: Record<string, unknown> }) => listed._meta?.[TOOL_SURFACE_META_KEY] as ToolSurfaceMeta;

  it('hides a tool that changed under it until the new digest is approved; unchanged tools keep working', async () => {
    const client = await connectClient(proxy.url, { protocol: 'legacy' });
    try {
      const unapproved = await client.listTools();
      assert.deepEqual(unapproved.tools, []);
      const v1 = surfaceOf(unapproved).digests!;
      assert.deepEqual(Object.keys(v1).sort(), ['lookup', 'ping'], 'the proxy reports its own digests, not the upstream kit\'s report');
      assert.equal(surfaceOf(unapproved).offered, 2);
      await assert.rejects(client.callTool({ name: 'ping', arguments: {} }), /Tool ping is withheld/);

      await writeFile(baseline(), JSON.stringify({ approved: v1 }));
      await pollUntil(async () => (await client.listTools()).tools.length === 2, 'both tools exposed once approved', 30_000);
      assert.match(JSON.stringify((await client.callTool({ name: 'lookup', arguments: { word: 'abc' } })).content), /abc/);

      // The upstream container restarts with a new version on the same port.
      await upstream!.close();
      upstream = await startUpstream('v2');
      await pollUntil(async () => {
        const listed = await client.listTools().catch(() => undefined);
        return listed !== undefined && listed.tools.map((t) => t.name).join() === 'ping';
      }, 'lookup withheld after it changed', 30_000);
      const changed = surfaceOf(await client.listTools());
      assert.deepEqual(changed.withheld, ['lookup']);
      assert.notEqual(changed.digests!.lookup, v1.lookup);
      // Called by name without listing first: refused, also by a fresh client.
      await pollUntil(async () => {
        const fresh = await connectClient(proxy.url, { protocol: 'legacy' });
        try {
          await fresh.callTool({ name: 'lookup', arguments: { word: 'x' } });
          return false;
        } catch (error) {
          return /Tool lookup is withheld/.test((error as Error).message);
        } finally {
          await fresh.close();
        }
      }, 'a call to the changed tool refused', 30_000);
      assert.match(JSON.stringify((await client.callTool({ name: 'ping', arguments: {} })).content), /pong/);

      await writeFile(baseline(), JSON.stringify({ approved: { ...v1, lookup: changed.digests!.lookup } }));
      await pollUntil(async () => (await client.listTools()).tools.length === 2, 'lookup exposed again after approval', 30_000);
      const again = await client.callTool({ name: 'lookup', arguments: { word: 'abc', limit: 1 } });
      assert.ok(!again.isError, JSON.stringify(again.content));
    } finally {
      await client.close();
    }
  });

  it("drops the upstream's own surface report even with an open policy and no enforcement (it could fake digests)", async () => {
    const open = await startProxy(parseProxyConfig({ LOG_LEVEL: 'error', DRAIN_TIMEOUT: '5', PORT: '0', HOST: '127.0.0.1', UPSTREAM_URL: upstream!.url }), { logStream: defaultTestLogStream(), defaultMetrics: false });
    try {
      const direct = await connectClient(upstream!.url, { protocol: 'legacy' });
      const proxied = await connectClient(open.url, { protocol: 'legacy' });
      try {
        assert.ok((await direct.listTools())._meta?.[TOOL_SURFACE_META_KEY], 'the upstream does report a surface');
        const listed = await proxied.listTools();
        assert.equal(listed._meta?.[TOOL_SURFACE_META_KEY], undefined);
        assert.deepEqual(listed.tools.map((t) => t.name).sort(), ['lookup', 'ping']);
      } finally {
        await direct.close();
        await proxied.close();
      }
    } finally {
      await open.shutdown();
    }
  });
});
