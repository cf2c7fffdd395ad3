// The operator's version for `--version`: the version of the nearest package.json named
// "mcpfleet" above this module, so it is right from the sources (operator/src/), the compiled
// tree (dist/operator/src/) and the image (/app/operator/src/, /app/package.json) alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function isVersionRequested(argv: readonly string[]): boolean {
  return argv.includes('--version');
}

export function operatorVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mcpfleet' && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json named mcpfleet above ${from}`);
  }
}
