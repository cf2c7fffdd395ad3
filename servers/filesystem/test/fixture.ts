// A temporary directory tree for the filesystem tests:
//   <tmp>/root/            the root
//     notes.txt            "hello\n"
//     docs/readme.md, docs/guide.md, docs/deep/a/b/c/found.md
//     data/image.bin       binary (NUL bytes)   data/latin1.txt  invalid UTF-8
//     big.txt              3000 bytes (over the 1024-byte read cap used in tests)
//     link-inside          → docs/readme.md      link-outside → ../outside/secret.txt
//     linkdir-outside      → ../outside (a directory)
//     odd%2e%2ename        a literal file name containing "%2e%2e"
//   <tmp>/outside/secret.txt, <tmp>/second/other.txt (a second root)
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fixture {
  base: string;
  root: string;
  second: string;
  outside: string;
  cleanup(): void;
}

export const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe]);

export function createFixture(): Fixture {
  const base = mkdtempSync(join(tmpdir(), 'mcpfleet-fs-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  const second = join(base, 'second');
  for (const dir of [root, outside, second, join(root, 'docs/deep/a/b/c'), join(root, 'data')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'notes.txt'), 'hello\n');
  writeFileSync(join(root, 'docs/readme.md'), '# Readme\nWelcome.\n');
  writeFileSync(join(root, 'docs/guide.md'), '# Guide\n');
  writeFileSync(join(root, 'docs/deep/a/b/c/found.md'), 'deep\n');
  writeFileSync(join(root, 'data/image.bin'), BINARY);
  writeFileSync(join(root, 'data/latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  writeFileSync(join(root, 'big.txt'), 'x'.repeat(3000));
  writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET\n');
  writeFileSync(join(second, 'other.txt'), 'second root\n');
  writeFileSync(join(root, 'odd%2e%2ename'), 'literal\n');
  symlinkSync('docs/readme.md', join(root, 'link-inside'));
  symlinkSync('../outside/secret.txt', join(root, 'link-outside'));
  symlinkSync('../outside', join(root, 'linkdir-outside'));
  return { base, root, second, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Paths that must be refused by every tool, with the refusal's code. */
export const TRAVERSAL_ATTEMPTS: [path: string, code: string, pattern: RegExp][] = [
  ['../outside/secret.txt', 'invalid_path', /"\.\." is not allowed/],
  ['docs/../../outside/secret.txt', 'invalid_path', /"\.\." is not allowed/],
  ['docs/../notes.txt', 'invalid_path', /"\.\." is not allowed/],
  ['..', 'invalid_path', /"\.\." is not allowed/],
  ['%2e%2e/outside/secret.txt', 'invalid_path', /percent-encoded/],
  ['..%2foutside%2fsecret.txt', 'invalid_path', /percent-encoded/],
  ['%2E%2E%5Coutside', 'invalid_path', /percent-encoded/],
  ['/etc/passwd', 'invalid_path', /absolute paths are not allowed/],
  ['//etc/passwd', 'invalid_path', /absolute paths are not allowed/],
  ['..\\outside\\secret.txt', 'invalid_path', /backslashes are not allowed/],
  ['docs\\readme.md', 'invalid_path', /backslashes are not allowed/],
  ['C:/Windows/win.ini', 'invalid_path', /drive letters are not allowed/],
  ['c:secret', 'invalid_path', /drive letters are not allowed/],
  ['notes.txt\u0000.md', 'invalid_path', /NUL bytes/],
  ['link-outside', 'outside_root', /resolves outside the root/],
  ['linkdir-outside/secret.txt', 'outside_root', /resolves outside the root/],
  ['linkdir-outside', 'outside_root', /resolves outside the root/],
];
