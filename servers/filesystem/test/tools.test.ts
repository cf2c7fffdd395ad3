// The filesystem tools called directly (schema parse + handler, fake context): every tool's
// success path, caps, and every refusal — traversal, encodings, absolute paths, backslashes,
// NUL, symlink escapes (file, directory, symlinked parent of a write target).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError, type ToolContext, type ToolDefinition } from '../../kit/tool.ts';
import { sentBytes } from '../../kit/toolResult.ts';
import { ConfigError, parseFilesystemConfig } from '../config.ts';
import { createServer } from '../server.ts';
import { BINARY, createFixture, TRAVERSAL_ATTEMPTS, type Fixture } from './fixture.ts';

const context: ToolContext = { signal: new AbortController().signal, requestId: 'test' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous tools
type AnyTool = ToolDefinition<any, any>;

function toolsOf(env: Record<string, string>): Map<string, AnyTool> {
  const server = createServer({ config: parseFilesystemConfig(env) });
  return new Map(server.tools.map((t) => [t.name, t]));
}

async function call(tools: Map<string, AnyTool>, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const tool = tools.get(name);
  assert.ok(tool, `tool ${name} is registered`);
  const parsed = tool.inputSchema.parse(args);
  const result = (await tool.handler(parsed, context)) as Record<string, unknown>;
  tool.outputSchema.parse(result);
  return result;
}

async function refused(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<string> {
  const error = await promise.then(
    () => assert.fail('expected a ToolError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ToolError, `expected ToolError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  return error.message;
}

describe('filesystem tools', function () {
  this.timeout(20000);
  let fx: Fixture;
  let tools: Map<string, AnyTool>;
  let writable: Map<string, AnyTool>;

  beforeEach(() => {
    fx = createFixture();
    tools = toolsOf({ FS_ROOTS: fx.root, FS_MAX_READ_BYTES: '1024' });
    writable = toolsOf({ FS_ROOTS: fx.root, FS_ALLOW_WRITE: 'true', FS_MAX_WRITE_BYTES: '64' });
  });
  afterEach(() => fx.cleanup());

  describe('config', () => {
    it('names roots by base name, unique', () => {
      const config = parseFilesystemConfig({ FS_ROOTS: '/srv/data/, /mnt/data,/x/docs' });
      assert.deepEqual(config.roots, [
        { name: 'data', path: '/srv/data' },
        { name: 'data-2', path: '/mnt/data' },
        { name: 'docs', path: '/x/docs' },
      ]);
      assert.equal(config.allowWrite, false);
      assert.equal(config.maxReadBytes, 1_048_576);
    });

    it('explains every bad variable', () => {
      assert.throws(() => parseFilesystemConfig({}), (e: unknown) => e instanceof ConfigError && /FS_ROOTS: is required/.test(e.message));
      assert.throws(
        () => parseFilesystemConfig({ FS_ROOTS: 'relative/dir', FS_ALLOW_WRITE: 'yes', FS_MAX_READ_BYTES: '-1' }),
        (e: unknown) =>
          e instanceof ConfigError &&
          /FS_ROOTS: entry "relative\/dir" must be an absolute path/.test(e.message) &&
          /FS_ALLOW_WRITE: must be true or false/.test(e.message) &&
          /FS_MAX_READ_BYTES: must be at least 1/.test(e.message),
      );
    });

    it('offers write_file only when FS_ALLOW_WRITE=true', () => {
      assert.deepEqual([...tools.keys()], ['list_directory', 'read_file', 'file_info', 'search_files']);
      assert.ok(writable.has('write_file'));
      assert.equal(writable.get('write_file')?.annotations.destructiveHint, true);
      assert.equal(tools.get('read_file')?.annotations.readOnlyHint, true);
    });
  });

  describe('list_directory', () => {
    it('lists the root sorted, links as links', async () => {
      const listing = await call(tools, 'list_directory', {});
      const entries = listing.entries as { name: string; type: string; size?: number }[];
      assert.deepEqual(
        entries.map((e) => `${e.type}:${e.name}`),
        ['file:big.txt', 'directory:data', 'directory:docs', 'symlink:link-inside', 'symlink:link-outside', 'symlink:linkdir-outside', 'file:notes.txt', 'file:odd%2e%2ename'],
      );
      assert.equal(entries.find((e) => e.name === 'notes.txt')?.size, 6);
      assert.equal(listing.truncated, false);
    });

    it('lists a subdirectory and bounds the count', async () => {
      const docs = await call(tools, 'list_directory', { path: 'docs/' });
      assert.deepEqual((docs.entries as { name: string }[]).map((e) => e.name), ['deep', 'guide.md', 'readme.md']);
      assert.equal(docs.path, 'docs');
      const bounded = await call(tools, 'list_directory', { path: './docs', maxEntries: 2 });
      assert.equal((bounded.entries as unknown[]).length, 2);
      assert.equal(bounded.truncated, true);
    });

    it('explains missing paths and files', async () => {
      await refused(call(tools, 'list_directory', { path: 'nope' }), 'not_found', /no such file or directory: "nope"/);
      await refused(call(tools, 'list_directory', { path: 'notes.txt' }), 'not_a_directory', /is a file, not a directory/);
    });
  });

  describe('read_file', () => {
    it('reads text as utf8', async () => {
      const file = await call(tools, 'read_file', { path: 'docs/readme.md' });
      assert.deepEqual(file, { root: 'root', path: 'docs/readme.md', size: 18, offset: 0, bytesRead: 18, encoding: 'utf8', content: '# Readme\nWelcome.\n', more: false });
    });

    it('returns binary and invalid UTF-8 as base64', async () => {
      const image = await call(tools, 'read_file', { path: 'data/image.bin' });
      assert.equal(image.encoding, 'base64');
      assert.deepEqual(Buffer.from(image.content as string, 'base64'), BINARY);
      const latin1 = await call(tools, 'read_file', { path: 'data/latin1.txt' });
      assert.equal(latin1.encoding, 'base64');
      const forced = await call(tools, 'read_file', { path: 'data/latin1.txt', encoding: 'utf8' });
      assert.equal(forced.content, 'caf\uFFFD');
    });

    it('refuses files over the read cap and reads them in parts, the cap holding for what is sent', async () => {
      await refused(call(tools, 'read_file', { path: 'big.txt' }), 'too_large', /3000 bytes, more than the read limit of 1024 bytes \(FS_MAX_READ_BYTES\).*offset and length/);
      // Content travels twice (structured and as text): a part is shortened until the result fits.
      const first = await call(tools, 'read_file', { path: 'big.txt', length: 1024 });
      assert.ok((first.bytesRead as number) > 200 && (first.bytesRead as number) < 512, `bytesRead ${String(first.bytesRead)}`);
      assert.ok(sentBytes(first) <= 1024, `sent ${sentBytes(first)} bytes`);
      assert.equal(first.more, true);
      const last = await call(tools, 'read_file', { path: 'big.txt', offset: 2900, length: 1000 });
      assert.deepEqual([last.bytesRead, last.more, last.content], [100, false, 'x'.repeat(100)]);
      await refused(call(tools, 'read_file', { path: 'big.txt', length: 2000 }), 'too_large', /length 2000 is more than the read limit/);
      // A small file whose escaped JSON would not fit is refused with a length that does.
      writeFileSync(join(fx.root, 'quotes.txt'), '"'.repeat(600));
      await refused(call(tools, 'read_file', { path: 'quotes.txt' }), 'too_large', /would take \d+ bytes, more than the read limit of 1024 bytes.*length at most \d+/);
    });

    it('follows a symlink that stays inside the root', async () => {
      const file = await call(tools, 'read_file', { path: 'link-inside' });
      assert.equal(file.content, '# Readme\nWelcome.\n');
    });

    it('explains directories and missing files', async () => {
      await refused(call(tools, 'read_file', { path: 'docs' }), 'is_a_directory', /is a directory/);
      await refused(call(tools, 'read_file', { path: 'docs/missing.md' }), 'not_found', /no such file or directory: "docs\/missing.md"/);
    });

    it('treats a literal "%2e%2e" file name as refused, not decoded', async () => {
      await refused(call(tools, 'read_file', { path: 'odd%2e%2ename' }), 'invalid_path', /percent-encoded/);
    });
  });

  describe('file_info', () => {
    it('describes files, directories and inside links', async () => {
      const info = await call(tools, 'file_info', { path: 'notes.txt' });
      assert.equal(info.type, 'file');
      assert.equal(info.size, 6);
      assert.match(info.permissions as string, /^0[0-7]{3}$/);
      assert.equal(info.isSymlink, false);
      assert.equal((await call(tools, 'file_info', { path: '' })).type, 'directory');
      const link = await call(tools, 'file_info', { path: 'link-inside' });
      assert.equal(link.isSymlink, true);
      assert.equal(link.type, 'file');
    });
  });

  describe('search_files', () => {
    it('finds names by pattern, bounded by depth', async () => {
      const md = await call(tools, 'search_files', { pattern: '*.md' });
      assert.deepEqual((md.matches as { path: string }[]).map((m) => m.path), ['docs/guide.md', 'docs/readme.md']);
      const deep = await call(tools, 'search_files', { pattern: '*.MD', maxDepth: 6 });
      assert.deepEqual((deep.matches as { path: string }[]).map((m) => m.path), ['docs/guide.md', 'docs/readme.md', 'docs/deep/a/b/c/found.md']);
      const exact = await call(tools, 'search_files', { pattern: '*.MD', caseSensitive: true, maxDepth: 6 });
      assert.equal((exact.matches as unknown[]).length, 0);
      const single = await call(tools, 'search_files', { pattern: 'note?.txt' });
      assert.deepEqual(single.matches, [{ path: 'notes.txt', type: 'file' }]);
    });

    it('bounds results and does not descend into symlinks', async () => {
      const limited = await call(tools, 'search_files', { pattern: '*', maxResults: 3 });
      assert.equal((limited.matches as unknown[]).length, 3);
      assert.equal(limited.truncated, true);
      assert.equal(limited.truncatedReason, 'max_results');
      const secret = await call(tools, 'search_files', { pattern: 'secret*', maxDepth: 10 });
      assert.deepEqual(secret.matches, [], 'linkdir-outside must not be walked');
    });

    it('searches from a subdirectory and refuses a path pattern', async () => {
      const inDocs = await call(tools, 'search_files', { pattern: '*.md', path: 'docs/deep', maxDepth: 10 });
      assert.deepEqual(inDocs.matches, [{ path: 'docs/deep/a/b/c/found.md', type: 'file' }]);
      assert.throws(() => tools.get('search_files')?.inputSchema.parse({ pattern: 'docs/*.md' }), /pattern matches names, not paths/);
    });
  });

  describe('write_file', () => {
    it('creates, overwrites, refuses to clobber with ifExists=fail, and writes base64', async () => {
      const created = await call(writable, 'write_file', { path: 'new.txt', content: 'one' });
      assert.deepEqual(created, { root: 'root', path: 'new.txt', bytesWritten: 3, created: true });
      const replaced = await call(writable, 'write_file', { path: 'new.txt', content: 'two!' });
      assert.equal(replaced.created, false);
      assert.equal(readFileSync(join(fx.root, 'new.txt'), 'utf8'), 'two!');
      await refused(call(writable, 'write_file', { path: 'new.txt', content: 'x', ifExists: 'fail' }), 'already_exists', /already exists/);
      await call(writable, 'write_file', { path: 'data/copy.bin', content: BINARY.toString('base64'), encoding: 'base64' });
      assert.deepEqual(readFileSync(join(fx.root, 'data/copy.bin')), BINARY);
      await refused(call(writable, 'write_file', { path: 'bad.bin', content: 'not base64!', encoding: 'base64' }), 'invalid_request', /not valid base64/);
    });

    it('creates parents only when asked', async () => {
      await refused(call(writable, 'write_file', { path: 'a/b/c.txt', content: 'x' }), 'not_found', /directory "a\/b" does not exist.*createParents/);
      await call(writable, 'write_file', { path: 'a/b/c.txt', content: 'x', createParents: true });
      assert.equal(readFileSync(join(fx.root, 'a/b/c.txt'), 'utf8'), 'x');
    });

    it('caps the size', async () => {
      await refused(call(writable, 'write_file', { path: 'big.out', content: 'y'.repeat(65) }), 'too_large', /65 bytes, more than the write limit of 64 bytes \(FS_MAX_WRITE_BYTES\)/);
      assert.equal(existsSync(join(fx.root, 'big.out')), false);
    });

    it('refuses writing through a symlink that leaves the root, or a symlinked parent', async () => {
      await refused(call(writable, 'write_file', { path: 'link-outside', content: 'pwned' }), 'outside_root', /resolves outside the root/);
      await refused(call(writable, 'write_file', { path: 'linkdir-outside/new.txt', content: 'pwned' }), 'outside_root', /resolves outside the root/);
      await refused(call(writable, 'write_file', { path: 'linkdir-outside/deeper/new.txt', content: 'pwned', createParents: true }), 'outside_root', /resolves outside the root/);
      // A dangling link pointing outside must not be created through either.
      symlinkSync(join(fx.outside, 'planted.txt'), join(fx.root, 'dangling'));
      await refused(call(writable, 'write_file', { path: 'dangling', content: 'pwned' }), 'outside_root', /resolves outside the root/);
      assert.equal(readFileSync(join(fx.outside, 'secret.txt'), 'utf8'), 'TOP SECRET\n');
      assert.equal(existsSync(join(fx.outside, 'new.txt')), false);
      assert.equal(existsSync(join(fx.outside, 'deeper')), false);
      assert.equal(existsSync(join(fx.outside, 'planted.txt')), false);
      assert.equal(readlinkSync(join(fx.root, 'link-outside')), '../outside/secret.txt');
    });

    it('writes through a symlink that stays inside the root to its target', async () => {
      await call(writable, 'write_file', { path: 'link-inside', content: 'updated' });
      assert.equal(readFileSync(join(fx.root, 'docs/readme.md'), 'utf8'), 'updated');
      assert.ok(lstatSync(join(fx.root, 'link-inside')).isSymbolicLink());
    });

    it('refuses writing to the root or a directory', async () => {
      await refused(call(writable, 'write_file', { path: 'docs', content: 'x' }), 'is_a_directory', /is a directory/);
      assert.throws(() => writable.get('write_file')?.inputSchema.parse({ path: '', content: 'x' }), /path must name a file/);
      await refused(call(writable, 'write_file', { path: '.', content: 'x' }), 'invalid_path', /give a file path to write/);
    });
  });

  describe('confinement', () => {
    for (const [path, code, pattern] of TRAVERSAL_ATTEMPTS) {
      it(`refuses ${JSON.stringify(path)} in every tool`, async () => {
        await refused(call(tools, 'read_file', { path }), code, pattern);
        await refused(call(tools, 'file_info', { path }), code, pattern);
        await refused(call(tools, 'list_directory', { path }), code, pattern);
        await refused(call(tools, 'search_files', { pattern: '*', path }), code, pattern);
        await refused(call(writable, 'write_file', { path, content: 'pwned' }), code, pattern);
      });
    }

    it('never reveals the server-side absolute path in refusals', async () => {
      const message = await refused(call(tools, 'read_file', { path: 'link-outside' }), 'outside_root', /outside/);
      assert.ok(!message.includes(fx.base));
    });
  });

  describe('several roots', () => {
    let multi: Map<string, AnyTool>;
    beforeEach(() => {
      multi = toolsOf({ FS_ROOTS: `${fx.root},${fx.second}` });
    });

    it('selects a root by name or index', async () => {
      assert.equal((await call(multi, 'read_file', { path: 'other.txt', root: 'second' })).content, 'second root\n');
      assert.equal((await call(multi, 'read_file', { path: 'other.txt', root: 1 })).content, 'second root\n');
      assert.equal((await call(multi, 'read_file', { path: 'notes.txt', root: '0' })).content, 'hello\n');
    });

    it('requires root and explains the choices', async () => {
      await refused(call(multi, 'read_file', { path: 'notes.txt' }), 'unknown_root', /several roots are configured; pass root as a name or index \(0: "root", 1: "second"\)/);
      await refused(call(multi, 'read_file', { path: 'notes.txt', root: 'third' }), 'unknown_root', /unknown root "third"/);
      await refused(call(multi, 'read_file', { path: 'notes.txt', root: 7 }), 'unknown_root', /unknown root 7/);
    });

    it('does not let one root reach into another', async () => {
      await refused(call(multi, 'read_file', { path: '../second/other.txt', root: 'root' }), 'invalid_path', /"\.\." is not allowed/);
    });
  });

  it('reports readiness from the roots', async () => {
    const ok = createServer({ config: parseFilesystemConfig({ FS_ROOTS: fx.root }) });
    await ok.checkReady?.();
    const missing = createServer({ config: parseFilesystemConfig({ FS_ROOTS: join(fx.base, 'absent') }) });
    await assert.rejects(() => missing.checkReady?.() ?? Promise.resolve(), /root "absent" .* is missing or not a directory/);
  });
});
