// The filesystem server on the real kit over HTTP, called by the real MCP client in both
// protocol revisions: every tool's success path and its refusals, traversal and symlink escapes
// included, with writes off (default) and on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, resultText, startTestServer, TEST_PROTOCOLS, type TestServer } from '../../kit/testing.ts';
import { parseFilesystemConfig } from '../config.ts';
import { createServer } from '../server.ts';
import { BINARY, createFixture, TRAVERSAL_ATTEMPTS, type Fixture } from './fixture.ts';

interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

describe('filesystem server over MCP HTTP', function () {
  this.timeout(60000);
  let fx: Fixture;
  let readOnly: TestServer;
  let writable: TestServer;

  before(async () => {
    fx = createFixture();
    readOnly = await startTestServer(createServer({ config: parseFilesystemConfig({ FS_ROOTS: `${fx.root},${fx.second}`, FS_MAX_READ_BYTES: '1024' }) }));
    writable = await startTestServer(createServer({ config: parseFilesystemConfig({ FS_ROOTS: fx.root, FS_ALLOW_WRITE: 'true', FS_MAX_WRITE_BYTES: '100' }) }));
  });
  after(async () => {
    await Promise.all([readOnly?.close(), writable?.close()]);
    fx?.cleanup();
  });

  for (const protocol of TEST_PROTOCOLS) {
    describe(`${protocol} protocol`, () => {
      const clients: Client[] = [];
      afterEach(async () => {
        await Promise.all(clients.splice(0).map((c) => c.close()));
      });
      const client = async (server: TestServer) => {
        const connected = await connectClient(server.url, { protocol });
        clients.push(connected);
        return connected;
      };
      const call = async (server: TestServer, name: string, args: Record<string, unknown>): Promise<ToolResult> =>
        (await (await client(server)).callTool({ name, arguments: args })) as ToolResult;
      const expectToolError = async (server: TestServer, name: string, args: Record<string, unknown>, pattern: RegExp) => {
        const result = await call(server, name, args);
        assert.equal(result.isError, true, `expected a tool error, got ${JSON.stringify(result)}`);
        const text = resultText(result);
        assert.match(text, pattern);
        assert.ok(!text.includes('TOP SECRET'));
      };

      it('offers write_file only when enabled', async () => {
        const ro = (await (await client(readOnly)).listTools()).tools.map((t) => t.name).sort();
        assert.deepEqual(ro, ['file_info', 'list_directory', 'read_file', 'search_files']);
        const rw = (await (await client(writable)).listTools()).tools;
        const write = rw.find((t) => t.name === 'write_file');
        assert.equal(write?.annotations?.destructiveHint, true);
        assert.equal(write?.annotations?.readOnlyHint, false);
        // Not registered at all when FS_ALLOW_WRITE is off: the call is a protocol error.
        await assert.rejects(call(readOnly, 'write_file', { path: 'x.txt', content: 'x', root: 0 }), /Tool write_file not found/);
        assert.equal(existsSync(join(fx.root, 'x.txt')), false);
      });

      it('list_directory, read_file, file_info, search_files across two roots', async () => {
        const listing = await call(readOnly, 'list_directory', { path: 'docs', root: 'root' });
        assert.deepEqual((listing.structuredContent?.entries as { name: string }[]).map((e) => e.name), ['deep', 'guide.md', 'readme.md']);
        const text = await call(readOnly, 'read_file', { path: 'other.txt', root: 'second' });
        assert.equal(text.structuredContent?.content, 'second root\n');
        assert.deepEqual(JSON.parse(resultText(text)), text.structuredContent);
        const binary = await call(readOnly, 'read_file', { path: 'data/image.bin', root: 0 });
        assert.equal(binary.structuredContent?.encoding, 'base64');
        assert.deepEqual(Buffer.from(String(binary.structuredContent?.content), 'base64'), BINARY);
        const info = await call(readOnly, 'file_info', { path: 'notes.txt', root: 0 });
        assert.equal(info.structuredContent?.size, 6);
        const found = await call(readOnly, 'search_files', { pattern: '*.md', root: 'root', maxDepth: 10 });
        assert.deepEqual((found.structuredContent?.matches as { path: string }[]).map((m) => m.path), ['docs/guide.md', 'docs/readme.md', 'docs/deep/a/b/c/found.md']);
      });

      it('explains a missing root choice, missing files and the read cap', async () => {
        await expectToolError(readOnly, 'read_file', { path: 'notes.txt' }, /several roots are configured/);
        await expectToolError(readOnly, 'read_file', { path: 'nope.txt', root: 0 }, /no such file or directory: "nope.txt"/);
        await expectToolError(readOnly, 'read_file', { path: 'big.txt', root: 0 }, /more than the read limit of 1024 bytes \(FS_MAX_READ_BYTES\)/);
        await expectToolError(readOnly, 'list_directory', { path: 'notes.txt', root: 0 }, /is a file, not a directory/);
      });

      for (const [path, , pattern] of TRAVERSAL_ATTEMPTS) {
        it(`refuses ${JSON.stringify(path)} over HTTP (read and write)`, async () => {
          await expectToolError(readOnly, 'read_file', { path, root: 'root' }, pattern);
          await expectToolError(readOnly, 'file_info', { path, root: 'root' }, pattern);
          await expectToolError(writable, 'write_file', { path, content: 'pwned' }, pattern);
        });
      }

      it('write_file: create, overwrite, fail-if-exists, caps, symlinked parent refused', async () => {
        const name = `written-${protocol}.txt`;
        const created = await call(writable, 'write_file', { path: name, content: 'hello' });
        assert.deepEqual(created.structuredContent, { root: 'root', path: name, bytesWritten: 5, created: true });
        assert.equal(readFileSync(join(fx.root, name), 'utf8'), 'hello');
        await expectToolError(writable, 'write_file', { path: name, content: 'again', ifExists: 'fail' }, /already exists/);
        await expectToolError(writable, 'write_file', { path: 'too-big.txt', content: 'z'.repeat(101) }, /write limit of 100 bytes \(FS_MAX_WRITE_BYTES\)/);
        await expectToolError(writable, 'write_file', { path: 'linkdir-outside/evil.txt', content: 'pwned' }, /resolves outside the root/);
        assert.equal(existsSync(join(fx.outside, 'evil.txt')), false);
        assert.equal(readFileSync(join(fx.outside, 'secret.txt'), 'utf8'), 'TOP SECRET\n');
      });
    });
  }

  it('reports readiness from the roots', async () => {
    assert.equal((await fetch(`${readOnly.baseUrl}/readyz`)).status, 200);
    const missing = await startTestServer(createServer({ config: parseFilesystemConfig({ FS_ROOTS: join(fx.base, 'not-mounted') }) }));
    try {
      assert.equal((await fetch(`${missing.baseUrl}/readyz`)).status, 503);
    } finally {
      await missing.close();
    }
  });
});
