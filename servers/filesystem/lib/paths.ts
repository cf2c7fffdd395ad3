// Confinement of every path to its root, in two steps:
//  1. lexical: the caller's path must be a plain relative path (no "..", no absolute path, no
//     backslash or drive letter, no NUL, no percent-encoding that could be decoded elsewhere, no
//     segment longer than a file name can be);
//  2. physical: the path's real location (fs.realpath, which resolves symlinks inside the root)
//     is opened as a descriptor, and the descriptor itself is proven to lie inside the root
//     (descriptors.ts). The realpath answer only says what to open; the descriptor decides.
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { escapedError, isInside, openVerified, type VerifiedEntry } from './descriptors.ts';
import { FsError, fromSystemError } from './errors.ts';
import type { Root } from './roots.ts';

export { isInside };

/** Linux NAME_MAX: no directory entry can have a longer name (in bytes). */
export const MAX_SEGMENT_BYTES = 255;

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
  const tooLong = segments.find((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES);
  if (tooLong !== undefined) {
    throw new FsError(
      `the path part "${tooLong.slice(0, 40)}…" is ${Buffer.byteLength(tooLong)} bytes; a file or directory name has at most ${MAX_SEGMENT_BYTES} bytes.`,
      'invalid_path',
    );
  }
  return { segments, shown: segments.join('/') };
}

export async function realRoot(root: Root): Promise<string> {
  try {
    return await realpath(root.path);
  } catch {
    throw new FsError(`the root "${root.name}" is not available on the server (missing or unreadable); ask the operator to check FS_ROOTS.`, 'not_found');
  }
}

function parentOf(path: RelativePath): RelativePath {
  const segments = path.segments.slice(0, -1);
  return { segments, shown: segments.join('/') };
}

/** The real location of an existing path, inside the root as far as realpath can tell (a hint: open it with openExisting). */
export async function resolveExisting(root: Root, path: RelativePath): Promise<string> {
  const base = await realRoot(root);
  let real: string;
  try {
    real = await realpath(join(base, ...path.segments));
  } catch (error) {
    fromSystemError(error, path.shown);
  }
  if (!isInside(base, real)) throw escapedError(path.shown);
  return real;
}

export interface OpenedInRoot extends VerifiedEntry {
  /** The root's real location (for opening further entries below this one). */
  rootReal: string;
}

/** Opens an existing path as a descriptor proven to lie inside the root. */
export async function openExisting(root: Root, path: RelativePath, options: { directory?: boolean } = {}): Promise<OpenedInRoot> {
  const rootReal = await realRoot(root);
  const real = await resolveExisting(root, path);
  return { ...(await openVerified(rootReal, real, path.shown, options)), rootReal };
}

export interface WriteTarget {
  /** The directory the file goes into, proven inside the root; close it when done. */
  directory: VerifiedEntry;
  /** The entry name inside that directory. */
  name: string;
  rootReal: string;
}

/**
 * Where a write to `path` lands: a proven descriptor of its directory (missing parents created one
 * by one below a proven ancestor when createParents is set) and the entry name. An existing
 * symlink at the target is followed only to a location inside the root.
 */
export async function openWriteTarget(root: Root, path: RelativePath, createParents: boolean): Promise<WriteTarget> {
  const name = path.segments.at(-1);
  if (name === undefined) throw new FsError('give a file path to write, e.g. "notes/today.md"; the root itself is a directory.', 'invalid_path');
  const parent = parentOf(path);
  let directory: OpenedInRoot;
  try {
    directory = await openExisting(root, parent, { directory: true });
  } catch (error) {
    if (!(error instanceof FsError && error.code === 'not_found')) throw error;
    if (!createParents) throw new FsError(`the directory "${parent.shown}" does not exist; create it first or pass createParents: true.`, 'not_found');
    directory = await createMissingParents(root, parent);
  }
  const { rootReal } = directory;
  const entryPath = join(directory.link, name);
  let existing;
  try {
    existing = await lstat(entryPath);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') {
      await directory.handle.close();
      fromSystemError(error, path.shown);
    }
  }
  if (existing?.isDirectory()) {
    await directory.handle.close();
    throw new FsError(`"${path.shown}" is a directory; give a file path.`, 'is_a_directory');
  }
  if (existing?.isSymbolicLink()) {
    // Writing through a link inside the root writes its target: prove the target's directory.
    const linked = await realpath(entryPath).catch(() => undefined);
    await directory.handle.close();
    if (linked === undefined || !isInside(rootReal, linked)) throw escapedError(path.shown);
    return { directory: await openVerified(rootReal, dirname(linked), path.shown, { directory: true }), name: basename(linked), rootReal };
  }
  return { directory, name, rootReal };
}

/** Creates the missing directories of `parent` one at a time, each inside a proven descriptor. */
async function createMissingParents(root: Root, parent: RelativePath): Promise<OpenedInRoot> {
  let existing = parent.segments.length;
  let current: OpenedInRoot | undefined;
  while (current === undefined) {
    existing -= 1;
    try {
      current = await openExisting(root, { segments: parent.segments.slice(0, existing), shown: parent.segments.slice(0, existing).join('/') }, { directory: true });
    } catch (error) {
      if (!(error instanceof FsError && error.code === 'not_found') || existing === 0) throw error;
    }
  }
  for (let index = existing; index < parent.segments.length; index += 1) {
    const shown = parent.segments.slice(0, index + 1).join('/');
    const next = join(current.link, parent.segments[index] ?? '');
    try {
      await mkdir(next);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') {
        await current.handle.close();
        fromSystemError(error, shown);
      }
    }
    try {
      const opened: OpenedInRoot = { ...(await openVerified(current.rootReal, next, shown, { directory: true })), rootReal: current.rootReal };
      await current.handle.close();
      current = opened;
    } catch (error) {
      await current.handle.close();
      throw error;
    }
  }
  return current;
}
