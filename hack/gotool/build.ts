// Builds the small Go wrapper modules under hack/ (actionlint, the GitOps health evaluator) with
// the machine's Go and the Go module proxy, and caches each binary under
// ~/.cache/mcpfleet/go-tools keyed by its sources, go.mod, go.sum and the Go version: built once
// per machine, rebuilt exactly when one of them changes.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk } from '../images/exec.ts';
import { REPO_ROOT, sha256Hex, userCacheDir } from '../images/paths.ts';

/** `go` on PATH, else the standard install location. */
export function goBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error('Go is needed to build the hack/ wrapper modules: install it (https://go.dev/dl) or put it on PATH');
}

/** The path of the built binary of the module in hack/<moduleDir> (built on first use). */
export async function goTool(moduleDir: string, name: string): Promise<string> {
  const dir = join(REPO_ROOT, 'hack', moduleDir);
  const go = goBinary();
  const inputs = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').sort()) {
    inputs.push(file, await readFile(join(dir, file), 'utf8'));
  }
  inputs.push(await execOk(go, ['version']));
  const cacheDir = join(userCacheDir(), 'go-tools');
  const binary = join(cacheDir, `${name}-${sha256Hex(inputs.join('\0')).slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  await mkdir(cacheDir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  await execOk(go, ['build', '-trimpath', '-mod=readonly', '-o', partial, '.'], { cwd: dir, timeoutMs: 900_000, env: { CGO_ENABLED: '0' } });
  await rename(partial, binary);
  return binary;
}
