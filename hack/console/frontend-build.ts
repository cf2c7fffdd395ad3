// Builds the console frontend (console/ → dist/console) with Vite when the bundle is missing or
// older than its sources. In an image the bundle is built at image build time and Vite is absent.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FrontendPaths {
  sourceDir: string;
  outDir: string;
}

export function frontendPaths(repoRoot: string): FrontendPaths {
  return { sourceDir: path.join(repoRoot, 'console'), outDir: path.join(repoRoot, 'dist/console') };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether dist/console must be (re)built: no index.html, or a source newer than it. */
export function needsBuild(paths: FrontendPaths, apiTypesFile: string): boolean {
  const index = path.join(paths.outDir, 'index.html');
  if (!existsSync(index)) return true;
  if (!existsSync(paths.sourceDir)) return false;
  const sources = Math.max(newestMtime(paths.sourceDir), existsSync(apiTypesFile) ? statSync(apiTypesFile).mtimeMs : 0);
  return sources > statSync(index).mtimeMs;
}

/** Runs the production build in this process (vite is a devDependency of the repository). */
export async function buildFrontend(paths: FrontendPaths): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(paths.sourceDir, 'vite.config.ts'), logLevel: 'warn' });
}

export async function ensureFrontend(paths: FrontendPaths, apiTypesFile: string, log: (line: string) => void): Promise<string> {
  if (needsBuild(paths, apiTypesFile)) {
    if (!existsSync(paths.sourceDir)) throw new Error(`the console frontend is not built (${paths.outDir}) and its sources are missing`);
    log('building the console frontend (vite)...');
    await buildFrontend(paths);
  }
  return paths.outDir;
}
