// Attacker probes of the filesystem server, each bounded in time: a directory swapped for a
// symlink to the outside while reads and writes run (renameat2 RENAME_EXCHANGE), hard links to
// outside files, a FIFO and other special files in the root, names longer than NAME_MAX, and a
// catastrophic-backtracking pattern against a real server process (its /healthz must keep
// answering, TOOL_TIMEOUT must fire, SIGTERM must stop it).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolError, type ToolContext, type ToolDefinition } from '../../kit/tool.ts';
import { connectClient, resultText, startTestServer } from '../../kit/testing.ts';
import { pollUntil, rawRequest, toolsCallBody, toolsCallHeaders } from '../../kit/test/httpHelpers.ts';
import { startServerProcess, type ServerProcess } from '../../kit/test/serverProcess.ts';
import { parseFilesystemConfig } from '../config.ts';
import { compileNamePattern } from '../lib/glob.ts';
import { createServer } from '../server.ts';
import { createFixture, type Fixture } from './fixture.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const context: ToolContext = { signal: new AbortController().signal, requestId: 'probe' };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous tools
type AnyTool = ToolDefinition<any, any>;

function toolsOf(env: Record<string, string>): Map<string, AnyTool> {
  return new Map(createServer({ config: parseFilesystemConfig(env) }).tools.map((t) => [t.name, t]));
}

async function callTool(tools: Map<string, AnyTool>, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const tool = tools.get(name);
  assert.ok(tool, `tool ${name}`);
  return (await tool.handler(tool.inputSchema.parse(args), context)) as Record<string, unknown>;
}

async function refusalCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ToolError, `expected a ToolError, got ${String(error)}`);
  return error.code;
}

/** Runs the swap helper for at most `seconds`; resolves once the first swap happened. */
async function startSwapper(a: string, b: string, seconds: number): Promise<{ stop(): Promise<number> }> {
  const child = spawn('python3', [here('./renameExchange.py'), a, b, String(seconds)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await pollUntil(() => out.includes('READY') || child.exitCode !== null, 'the swapper to start');
  assert.ok(out.includes('READY'), 'renameat2 RENAME_EXCHANGE works on this machine');
  return {
    async stop() {
      child.stdin.end();
      await exited;
      return Number(/SWAPS (\d+)/.exec(out)?.[1] ?? 0);
    },
  };
}

describe('filesystem probes', function () {
  this.timeout(90_000);
  let fx: Fixture;
  beforeEach(() => {
    fx = createFixture();
  });
  afterEach(() => fx.cleanup());

  describe('root escape by race (directory swapped for a symlink with RENAME_EXCHANGE)', () => {
    // root/sub is a real directory; root/swap is a symlink to <outside>/. The helper exchanges the
    // two names as fast as it can, so "sub" is a symlink to the outside about half of the time.
    beforeEach(() => {
      mkdirSync(join(fx.root, 'sub'));
      writeFileSync(join(fx.root, 'sub/secret.txt'), 'INSIDE\n');
      writeFileSync(join(fx.outside, 'secret.txt'), 'OUTSIDE\n');
      symlinkSync(fx.outside, join(fx.root, 'swap'));
    });

    it('never reads outside data (3000 reads during the swaps)', async () => {
      const tools = toolsOf({ FS_ROOTS: fx.root });
      const swapper = await startSwapper(join(fx.root, 'sub'), join(fx.root, 'swap'), 30);
      const outcomes = { inside: 0, outside: 0, refused: 0 };
      try {
        for (let batch = 0; batch < 150; batch += 1) {
          await Promise.all(
            Array.from({ length: 20 }, async () => {
              try {
                const result = await callTool(tools, 'read_file', { path: 'sub/secret.txt' });
                if (result.content === 'OUTSIDE\n') outcomes.outside += 1;
                else outcomes.inside += 1;
              } catch (error) {
                assert.ok(error instanceof ToolError, `unexpected failure: ${String(error)}`);
                outcomes.refused += 1;
              }
            }),
          );
        }
      } finally {
        const swaps = await swapper.stop();
        assert.ok(swaps > 0, 'the swapper ran');
      }
      assert.equal(outcomes.outside, 0, `reads that returned outside data: ${JSON.stringify(outcomes)}`);
      assert.ok(outcomes.inside > 0, `some reads succeeded: ${JSON.stringify(outcomes)}`);
    });

    it('never writes outside, and never creates directories outside (1000 writes during the swaps)', async () => {
      const tools = toolsOf({ FS_ROOTS: fx.root, FS_ALLOW_WRITE: 'true' });
      const swapper = await startSwapper(join(fx.root, 'sub'), join(fx.root, 'swap'), 30);
      try {
        for (let batch = 0; batch < 100; batch += 1) {
          await Promise.all(
            Array.from({ length: 10 }, async (_, i) => {
              const n = batch * 10 + i;
              const args = n % 2 === 0 ? { path: `sub/new-${n}.txt`, content: 'x' } : { path: `sub/made-${n}/deeper/new.txt`, content: 'x', createParents: true };
              await callTool(tools, 'write_file', args).catch((error: unknown) => assert.ok(error instanceof ToolError, `unexpected failure: ${String(error)}`));
            }),
          );
        }
      } finally {
        await swapper.stop();
      }
      const landedOutside = readdirSync(fx.outside).filter((name) => name !== 'secret.txt');
      assert.deepEqual(landedOutside, [], 'entries created outside the root');
      assert.equal(readFileSync(join(fx.outside, 'secret.txt'), 'utf8'), 'OUTSIDE\n');
      assert.ok(readdirSync(join(fx.root, 'sub')).length > 1, 'some writes landed inside');
    });
  });

  describe('hard links', () => {
    beforeEach(() => {
      linkSync(join(fx.outside, 'secret.txt'), join(fx.root, 'hardlink.txt'));
    });

    it('refuses to read or overwrite a file with more than one link', async () => {
      const tools = toolsOf({ FS_ROOTS: fx.root, FS_ALLOW_WRITE: 'true' });
      assert.equal(await refusalCode(callTool(tools, 'read_file', { path: 'hardlink.txt' })), 'hard_link');
      assert.equal(await refusalCode(callTool(tools, 'write_file', { path: 'hardlink.txt', content: 'PWNED' })), 'hard_link');
      assert.equal(readFileSync(join(fx.outside, 'secret.txt'), 'utf8'), 'TOP SECRET\n');
    });

    it('serves them when FS_ALLOW_HARDLINKS=true', async () => {
      const tools = toolsOf({ FS_ROOTS: fx.root, FS_ALLOW_HARDLINKS: 'true' });
      assert.equal((await callTool(tools, 'read_file', { path: 'hardlink.txt' })).content, 'TOP SECRET\n');
    });
  });

  describe('special files', () => {
    beforeEach(() => {
      const made = spawnSync('mkfifo', [join(fx.root, 'pipe')]);
      assert.equal(made.status, 0, 'mkfifo works');
    });

    it('refuses a FIFO in every tool without blocking, and the server stays usable (64 concurrent attempts)', async () => {
      const tools = toolsOf({ FS_ROOTS: fx.root, FS_ALLOW_WRITE: 'true' });
      // More attempts than libuv has threads: a single blocking open would wedge every later call.
      const codes = await Promise.all(Array.from({ length: 64 }, (_, i) => refusalCode(callTool(tools, i % 2 ? 'read_file' : 'write_file', { path: 'pipe', content: 'x' }))));
      assert.deepEqual(new Set(codes), new Set(['not_a_file']));
      const info = await callTool(tools, 'file_info', { path: 'pipe' });
      assert.equal(info.type, 'other');
      const listing = await callTool(tools, 'list_directory', { path: '' });
      assert.ok((listing.entries as { name: string; type: string }[]).some((e) => e.name === 'pipe' && e.type === 'other'));
      assert.equal((await callTool(tools, 'read_file', { path: 'notes.txt' })).content, 'hello\n');
    });

    it('refuses character devices', async () => {
      const tools = toolsOf({ FS_ROOTS: '/dev' });
      assert.equal(await refusalCode(callTool(tools, 'read_file', { path: 'zero' })), 'not_a_file');
      assert.equal(await refusalCode(callTool(tools, 'read_file', { path: 'null' })), 'not_a_file');
    });
  });

  it('refuses a 300-character path segment with a clear error in every tool', async () => {
    const tools = toolsOf({ FS_ROOTS: fx.root, FS_ALLOW_WRITE: 'true' });
    const long = 'a'.repeat(300);
    for (const [name, args] of [
      ['read_file', { path: long }],
      ['file_info', { path: `docs/${long}` }],
      ['list_directory', { path: long }],
      ['search_files', { path: long, pattern: '*' }],
      ['write_file', { path: `${long}/x.txt`, content: 'x', createParents: true }],
    ] as const) {
      const error = await callTool(tools, name, args).then(
        () => assert.fail(`${name} accepted a 300-character name`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ToolError, `${name}: ${String(error)}`);
      assert.match(error.message, /is 300 bytes; a file or directory name has at most 255 bytes/);
    }
    assert.ok(!existsSync(join(fx.root, long.slice(0, 255))));
  });

  it('keeps FS_MAX_READ_BYTES for what is sent: a 1 MiB read of escape-heavy text is at most 1 MiB on the wire', async () => {
    // Quotes, backslashes and control characters double or sextuple when escaped in JSON.
    writeFileSync(join(fx.root, 'hostile.txt'), '"\\\u0001abc'.repeat(200_000));
    const server = await startTestServer(createServer({ config: parseFilesystemConfig({ FS_ROOTS: fx.root }) }));
    try {
      const response = await rawRequest(server.url, {
        method: 'POST',
        headers: toolsCallHeaders('read_file'),
        body: toolsCallBody('read_file', { path: 'hostile.txt', length: 1_048_576 }),
      });
      assert.equal(response.status, 200);
      const { result } = JSON.parse(response.body) as { result: { isError?: boolean; structuredContent: { bytesRead: number; more: boolean } } };
      assert.equal(result.isError, undefined);
      assert.ok(result.structuredContent.bytesRead > 0 && result.structuredContent.more);
      assert.ok(Buffer.byteLength(response.body) <= 1_048_576 + 512, `sent ${Buffer.byteLength(response.body)} bytes`);
    } finally {
      await server.close();
    }
  });

  describe('ReDoS', () => {
    it('matches in linear time: 13-character star patterns against 255-character names', () => {
      const name = 'a'.repeat(255);
      const startedAt = performance.now();
      for (const pattern of ['************#', '*a*a*a*a*a*a*a*a*a*a*a*a*b', '?*?*?*?*?*?*?*?*?*?*?*?*#']) {
        assert.equal(compileNamePattern(pattern, false).test(name), false);
        assert.equal(compileNamePattern(pattern.replace(/[#b]$/, 'a'), false).test(name), true);
      }
      // Generous on a busy machine: the backtracking RegExp took minutes for the first pattern.
      assert.ok(performance.now() - startedAt < 2000, `took ${Math.round(performance.now() - startedAt)} ms`);
    });

    it('keeps the same meaning as before for ordinary patterns', () => {
      const table: [string, string, boolean, boolean][] = [
        ['*.md', 'readme.md', false, true],
        ['*.md', 'readme.mdx', false, false],
        ['report-202?-*.csv', 'report-2024-q1.csv', false, true],
        ['report-202?-*.csv', 'report-20245-q1.csv', false, false],
        ['README*', 'readme.txt', false, true],
        ['README*', 'readme.txt', true, false],
        ['a.b', 'aXb', false, false],
        ['[x]', '[x]', false, true],
        ['*', '', false, true],
        ['?', '', false, false],
        ['é*', 'École', false, true],
        ['é*', 'École', true, false],
        ['😀?', '😀x', false, true],
      ];
      for (const [pattern, name, caseSensitive, expected] of table) {
        assert.equal(compileNamePattern(pattern, caseSensitive).test(name), expected, `${pattern} vs ${name}`);
      }
    });

    describe('against a real server process', () => {
      let server: ServerProcess | undefined;
      afterEach(() => server?.kill());

      it('answers /healthz during a pathological search, and stops on SIGTERM', async () => {
        writeFileSync(join(fx.root, 'a'.repeat(250)), 'long name\n');
        server = await startServerProcess('filesystem', { FS_ROOTS: fx.root, TOOL_TIMEOUT: '5', DRAIN_TIMEOUT: '3' });
        const { baseUrl } = server;
        const client = await connectClient(server.url);
        let slowestHealth = 0;
        const searches = Promise.all(
          ['************#', '*a*a*a*a*a*a*a*a*a*a*a*#', '**********a*********#'].map((pattern) => client.callTool({ name: 'search_files', arguments: { pattern, maxDepth: 1 } })),
        );
        let settled = false;
        void searches.finally(() => (settled = true));
        while (!settled) {
          const startedAt = performance.now();
          const health = await rawRequest(`${baseUrl}/healthz`);
          slowestHealth = Math.max(slowestHealth, performance.now() - startedAt);
          assert.equal(health.status, 200);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        for (const result of await searches) {
          assert.equal(result.isError, undefined, resultText(result));
          assert.deepEqual((result.structuredContent as { matches: unknown[] }).matches, []);
        }
        assert.ok(slowestHealth < 5000, `slowest /healthz answer during the searches: ${Math.round(slowestHealth)} ms`);
        await client.close();
        server.child.kill('SIGTERM');
        assert.equal(await server.exited, 0);
      });
    });
  });
});
