// The build context of both images (.cache/images/context): package.json, the production
// node_modules (`npm ci --omit=dev --ignore-scripts`, redone only when the lockfile or Node
// changes), the compiled JavaScript (tsc, incremental) and the console's built frontend (Vite,
// rebuilt when its sources change). The Dockerfiles only COPY from it.
import { bundleStdioBridge } from '../bundle-stdio-bridge.ts';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ensureFrontend, frontendPaths } from '../console/frontend-build.ts';
import { execOk } from './exec.ts';
import { IMAGES_OUT_DIR, REPO_ROOT, sha256Hex } from './paths.ts';

export const CONTEXT_DIR = join(IMAGES_OUT_DIR, 'context');

async function installProductionModules(): Promise<void> {
  const lock = await readFile(join(REPO_ROOT, 'package-lock.json'));
  const stampFile = join(IMAGES_OUT_DIR, 'node_modules.stamp');
  const stamp = sha256Hex(Buffer.concat([lock, Buffer.from(process.version)]));
  if (existsSync(join(CONTEXT_DIR, 'node_modules')) && existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === stamp) return;
  await rm(join(CONTEXT_DIR, 'node_modules'), { recursive: true, force: true });
  await copyFile(join(REPO_ROOT, 'package-lock.json'), join(CONTEXT_DIR, 'package-lock.json'));
  await execOk('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: CONTEXT_DIR });
  await rm(join(CONTEXT_DIR, 'package-lock.json'), { force: true });
  await writeFile(stampFile, stamp);
}

async function compile(): Promise<void> {
  const outDir = join(CONTEXT_DIR, 'dist');
  const buildInfo = join(IMAGES_OUT_DIR, 'tsbuildinfo');
  // Incremental tsc trusts its build info; without the output it must start over.
  if (!existsSync(outDir)) await rm(buildInfo, { force: true });
  await execOk(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir, '--incremental', '--tsBuildInfoFile', buildInfo], { cwd: REPO_ROOT });
  // The stdio bridge the operator's init container copies into stdio image pods (servers/README.md).
  await bundleStdioBridge(join(outDir, 'servers', 'stdio-bridge.mjs'));
}

async function copyConsoleFrontend(): Promise<void> {
  const paths = frontendPaths(REPO_ROOT);
  await ensureFrontend(paths, join(REPO_ROOT, 'operator/src/console/api-types.ts'), () => undefined);
  const target = join(CONTEXT_DIR, 'dist/console');
  await rm(target, { recursive: true, force: true });
  await cp(paths.outDir, target, { recursive: true });
}

/** Prepares the context and returns its directory. */
export async function prepareContext(): Promise<string> {
  await mkdir(CONTEXT_DIR, { recursive: true });
  await copyFile(join(REPO_ROOT, 'package.json'), join(CONTEXT_DIR, 'package.json'));
  await installProductionModules();
  await compile();
  await copyConsoleFrontend();
  return CONTEXT_DIR;
}

/** What the Dockerfiles COPY from the context: the image cache key covers exactly these. */
export const COPIED_PATHS = ['package.json', 'node_modules', 'dist/operator', 'dist/servers', 'dist/console'] as const;

/** A digest of the paths and contents of `paths` under `dir` (sorted), for the image cache key. */
export async function treeDigest(dir: string, paths: readonly string[] = COPIED_PATHS): Promise<string> {
  const hash = createHash('sha256');
  const entries: string[] = [];
  for (const path of paths) {
    const root = join(dir, path);
    entries.push(root);
    if (existsSync(root) && statSync(root).isDirectory()) {
      for (const e of await readdir(root, { recursive: true, withFileTypes: true })) entries.push(join(e.parentPath, e.name));
    }
  }
  entries.sort();
  for (const path of entries) {
    hash.update(relative(dir, path));
    try {
      hash.update(await readFile(path));
    } catch {
      // A directory: its path is enough.
    }
  }
  return hash.digest('hex');
}
