// What ships: every runtime dependency is imported by the operator or a server, and nothing the
// operator or a server imports is a devDependency (npm prune --omit=dev would drop it from the
// image). Tests, test helpers and hack/ tooling may use devDependencies.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' || e.name === 'node_modules' ? [] : productionFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'testing.ts' ? [full] : [];
  });
}

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function importedPackages(files: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)) {
      const name = packageOf(m[1]!);
      if (name && !found.has(name)) found.set(name, path.relative(ROOT, file));
    }
  }
  return found;
}

describe('package.json dependencies', () => {
  const shipped = importedPackages([...productionFiles(path.join(ROOT, 'operator/src')), ...productionFiles(path.join(ROOT, 'servers'))]);

  it('the operator and the servers import only runtime dependencies', () => {
    const missing = [...shipped].filter(([name]) => !(name in pkg.dependencies)).map(([name, file]) => `${name} (${file})`);
    assert.deepEqual(missing, []);
  });

  it('every runtime dependency is imported by the operator or a server (no dead weight in the image)', () => {
    assert.deepEqual(Object.keys(pkg.dependencies).filter((name) => !shipped.has(name)), []);
  });
});
