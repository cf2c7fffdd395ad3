// Pinning enforcement on the kit's own tools, through the real MCP client on both protocol
// revisions (the fast path and the SDK entry): a tool whose digest is not approved in the baseline
// file is neither listed nor callable (a clear MCP error naming it as withheld), approving it in
// the file exposes it within seconds without a restart, and a missing, malformed, oversized or
// special baseline file withholds every tool without hanging or crashing the server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listDeclaredTools } from '../mcpServer.ts';
import { connectClient, startTestServer, TEST_PROTOCOLS, type TestServer } from '../testing.ts';
import { MAX_BASELINE_BYTES, readBaselineFile } from '../toolBaseline.ts';
import { policeToolList, UpstreamSurface } from '../toolPinning.ts';
import { TOOL_SURFACE_META_KEY, toolDigest, type ToolSurfaceMeta } from '../toolSurface.ts';
import { fixtureServer } from './fixtures.ts';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const approvedFile = (approved: Record<string, string>) => JSON.stringify({ approved });

describe('pinning enforcement on the kit', function () {
  this.timeout(90_000);
  let dir: string;
  let baseline: string;
  let server: TestServer;
  let digests: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-pinning-'));
    baseline = path.join(dir, 'baseline.json');
    digests = Object.fromEntries((await listDeclaredTools(fixtureServer())).map((t) => [t.name, toolDigest(t)]));
    // lookup is approved as declared; increment is approved at a different digest (it "changed").
    await writeFile(baseline, approvedFile({ lookup: digests.lookup!, increment: `sha256:${'0'.repeat(64)}` }));
    const policy = { deny: ['slow'], overrides: { lookup: { name: 'find', description: 'Finds a word.' } } };
    server = await startTestServer(fixtureServer(), { TOOL_POLICY: JSON.stringify(policy), TOOL_BASELINE_FILE: baseline });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const protocol of TEST_PROTOCOLS) {
    it(`lists and runs only approved tools, reports the digests before overrides, over ${protocol}`, async () => {
      const client = await connectClient(server.url, { protocol });
      try {
        const listed = await client.listTools();
        const names = listed.tools.map((t) => t.name);
        assert.ok(names.includes('find'), 'the approved tool, renamed by the policy');
        assert.ok(!names.includes('increment'), 'the changed tool is withheld');
        assert.ok(!names.includes('slow'), 'the denied tool stays hidden');
        const surface = listed._meta?.[TOOL_SURFACE_META_KEY] as ToolSurfaceMeta;
        // Digests by the server's own names, over what it declares (the override does not count).
        assert.equal(surface.digests?.lookup, digests.lookup);
        assert.equal(surface.digests?.increment, digests.increment);
        assert.ok(!Object.hasOwn(surface.digests ?? {}, 'slow'), 'denied tools are not reported');
        assert.deepEqual([...(surface.withheld ?? [])].sort(), ['bad_output', 'increment'], 'every tool without an approved digest');
        assert.equal(surface.exposed, names.length);
        const found = await client.callTool({ name: 'find', arguments: { word: 'abc' } });
        assert.match(JSON.stringify(found.content), /ABC/);
        await assert.rejects(client.callTool({ name: 'increment', arguments: {} }), /Tool increment is withheld: its current definition has not been approved/);
      } finally {
        await client.close();
      }
    });
  }

  it('exposes a tool once its digest is approved in the file, and withholds everything when the file goes away', async () => {
    const client = await connectClient(server.url);
    try {
      await writeFile(`${baseline}.new`, approvedFile({ lookup: digests.lookup!, increment: digests.increment! }));
      // Replaced the way the kubelet updates a ConfigMap volume: a new file moved into place.
      execFileSync('mv', [`${baseline}.new`, baseline]);
      await waitFor('increment exposed', async () => ((await client.listTools()).tools.some((t) => t.name === 'increment') ? true : undefined));
      const counted = await client.callTool({ name: 'increment', arguments: {} });
      assert.ok(!counted.isError, JSON.stringify(counted.content));

      await rm(baseline);
      await waitFor('every tool withheld', async () => ((await client.listTools()).tools.length === 0 ? true : undefined));
      await assert.rejects(client.callTool({ name: 'find', arguments: { word: 'x' } }), /Tool find is withheld/);
      const health = await fetch(`${server.baseUrl}/healthz`);
      assert.equal(health.status, 200, 'the server keeps running');
    } finally {
      await client.close();
    }
  });

  it('reads a missing, malformed, oversized, directory or FIFO baseline as none, without blocking', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await writeFile(path.join(dir, 'garbage'), '{"approved": {"a": "md5:x"}}');
    await writeFile(path.join(dir, 'not-json'), 'approved: yes');
    await writeFile(path.join(dir, 'huge'), Buffer.alloc(MAX_BASELINE_BYTES + 10, 0x20));
    for (const [file, error] of [
      ['missing', /ENOENT/],
      ['garbage', /approved\.a/],
      ['not-json', /not JSON/],
      ['huge', /larger than/],
      ['.', /not a regular file/],
      ['fifo', /not a regular file/],
    ] as const) {
      const read = await readBaselineFile(path.join(dir, file));
      assert.equal(read.ok, false, file);
      assert.match((read as { error: string }).error, error, file);
    }
    assert.deepEqual(await readBaselineFile(path.join(dir, 'none')), { ok: false, error: 'ENOENT' });
  });

  it('withholds every listed tool without a baseline, and an upstream that cannot be listed allows no call', async () => {
    const tools = [{ name: 'a', inputSchema: { type: 'object' } }, { name: 'b' }];
    const unread = policeToolList({}, tools, { approved: () => undefined });
    assert.deepEqual([unread.tools, unread.surface.withheld], [[], ['a', 'b']]);
    const open = policeToolList({}, tools, undefined);
    assert.deepEqual([open.tools.map((t) => t.name), open.surface.withheld], [['a', 'b'], []]);

    let listings = 0;
    let fail = false;
    let now = 0;
    const surface = new UpstreamSurface(
      async () => {
        listings++;
        if (fail) throw new Error('upstream down');
        return tools;
      },
      { maxAgeMs: 1_000, now: () => now },
    );
    assert.equal(await surface.digestOf('a'), toolDigest(tools[0]!));
    assert.equal(await surface.digestOf('b'), toolDigest(tools[1]!));
    assert.equal(listings, 1, 'a fresh listing is reused');
    await Promise.all([surface.digestOf('a'), surface.digestOf('b')]);
    now = 2_000;
    fail = true;
    assert.deepEqual(await Promise.all([surface.digestOf('a'), surface.digestOf('a')]), [undefined, undefined]);
    assert.equal(listings, 2, 'one refresh shared by concurrent callers');
  });
});
