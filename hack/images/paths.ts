// Where the release tooling keeps things: the repository root, the per-user cache of inputs that
// do not depend on the commit (the base image, Node, Debian packages) and the repository-local
// output of `npm run images`.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** ${XDG_CACHE_HOME:-$HOME/.cache}/mcpfleet: shared by every checkout of the repository. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'mcpfleet');
}

/** .cache/images in the repository: the build context, the built archives and images.json. */
export const IMAGES_OUT_DIR = join(REPO_ROOT, '.cache', 'images');

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
