// Confinement of every path to its root. Two independent checks:
//  1. lexical: the caller's path must be a plain relative path (no "..", no absolute path, no
//     backslash or drive letter, no NUL, no percent-encoding that could be decoded elsewhere);
//  2. physical: the path's real location (fs.realpath, which resolves every symlink, in the
//     target and in its parents) must lie inside the root's real location.
// Files are then opened by their real path with O_NOFOLLOW, so a link swapped in after the check
// is not followed either.
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { FsError, fromSystemError } from './errors.ts';
import type { Root } from './roots.ts';

/** A checked relative path: its segments, and the form shown back to callers. */
export interface RelativePath {
  segments: string[];
  /** "a/b.txt", or "" for the root itself. */
  shown: string;
}

export function parseRelativePath(input: string): RelativePath {
  if (input.includes('\0')) throw new FsError('the path must not contain NUL bytes.', 'invalid_path');
  if (input.includes('\\')) {
    throw new FsError('backslashes are not allowed in paths; separate directories with "/" (e.g. "docs/readme.md").', 'invalid_path');
  }
  if (/^[A-Za-z]:/.test(input)) {
    throw new FsError('drive letters are not allowed; give a path relative to the root, e.g. "docs/readme.md".', 'invalid_path');
  }
  if (input.startsWith('/')) {
    throw new FsError(`absolute paths are not allowed ("${input}"); give a path relative to the root, e.g. "docs/readme.md", or "" for the root.`, 'invalid_path');
  }
  // Nothing here decodes percent-escapes, but a caller or proxy might; refuse the ambiguous form.
  if (/%(2e|2f|5c|00)/i.test(input)) {
    throw new FsError('percent-encoded characters (%2e, %2f, %5c, %00) are not allowed in paths; write the path plainly.', 'invalid_path');
  }
  const segments = input.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new FsError('".." is not allowed in paths: every path stays inside its root. Give the path from the root down.', 'invalid_path');
  }
  return { segments, shown: segments.join('/') };
}

export function isInside(rootReal: string, candidate: string): boolean {
  return candidate === rootReal || candidate.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
}

export async function realRoot(root: Root): Promise<string> {
  try {
    return await realpath(root.path);
  } catch {
    throw new FsError(`the root "${root.name}" is not available on the server (missing or unreadable); ask the operator to check FS_ROOTS.`, 'not_found');
  }
}

function escaped(path: RelativePath): FsError {
  return new FsError(
    `"${path.shown}" resolves outside the root (through a symbolic link); links that leave the root are not followed.`,
    'outside_root',
  );
}

/** The real location of an existing path, proven to be inside the root. */
export async function resolveExisting(root: Root, path: RelativePath): Promise<string> {
  const base = await realRoot(root);
  let real: string;
  try {
    real = await realpath(join(base, ...path.segments));
  } catch (error) {
    fromSystemError(error, path.shown);
  }
  if (!isInside(base, real)) throw escaped(path);
  return real;
}

/**
 * Where a write to `path` lands: the parent's real location (created when createParents is set,
 * after proving the nearest existing ancestor is inside the root) joined with the file name. An
 * existing symlink at the target is resolved and must stay inside the root too.
 */
export async function resolveForWrite(root: Root, path: RelativePath, createParents: boolean): Promise<string> {
  const name = path.segments.at(-1);
  if (name === undefined) throw new FsError('give a file path to write, e.g. "notes/today.md"; the root itself is a directory.', 'invalid_path');
  const base = await realRoot(root);
  const parent: RelativePath = { segments: path.segments.slice(0, -1), shown: path.segments.slice(0, -1).join('/') };

  let parentReal: string;
  try {
    parentReal = await resolveExisting(root, parent);
  } catch (error) {
    if (!(error instanceof FsError && error.code === 'not_found') || !createParents) {
      if (error instanceof FsError && error.code === 'not_found') {
        throw new FsError(`the directory "${parent.shown}" does not exist; create it first or pass createParents: true.`, 'not_found');
      }
      throw error;
    }
    parentReal = await createMissingParents(root, base, parent);
  }

  const target = join(parentReal, name);
  try {
    const info = await lstat(target);
    if (info.isSymbolicLink()) {
      const linked = await realpath(target).catch(() => undefined);
      if (linked === undefined || !isInside(base, linked)) throw escaped(path);
      return linked;
    }
    if (info.isDirectory()) throw new FsError(`"${path.shown}" is a directory; give a file path.`, 'is_a_directory');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') fromSystemError(error, path.shown);
  }
  return target;
}

async function createMissingParents(root: Root, base: string, parent: RelativePath): Promise<string> {
  // Find the deepest existing ancestor and prove it is inside the root before creating anything.
  let existing = parent.segments.length;
  let ancestorReal: string | undefined;
  while (ancestorReal === undefined) {
    existing -= 1;
    const ancestor: RelativePath = { segments: parent.segments.slice(0, existing), shown: parent.segments.slice(0, existing).join('/') };
    try {
      ancestorReal = await resolveExisting(root, ancestor);
    } catch (error) {
      if (!(error instanceof FsError && error.code === 'not_found') || existing === 0) throw error;
    }
  }
  try {
    await mkdir(join(ancestorReal, ...parent.segments.slice(existing)), { recursive: true });
  } catch (error) {
    fromSystemError(error, parent.shown);
  }
  const created = await resolveExisting(root, parent);
  if (!isInside(base, created)) throw escaped(parent);
  return created;
}
