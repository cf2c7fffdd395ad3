// Confinement by descriptor. A path checked before it is opened proves nothing: between the check
// and the open, a directory on the way can be swapped for a symlink to the outside (renameat2
// RENAME_EXCHANGE), and O_NOFOLLOW guards only the last component. So every file and directory is
// first opened as a Linux O_PATH descriptor (which names an inode without opening it for I/O:
// FIFOs and devices never block or react), and the kernel is asked where that descriptor really
// is (/proc/self/fd/N). Only a descriptor proven to lie inside the root is used, and I/O goes
// through it: files are reopened via the descriptor's /proc link (the same inode, never a path
// walked again) and new entries are created relative to a proven directory descriptor.
import { constants, type Stats } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';
import { FsError, fromSystemError } from './errors.ts';

/** Linux O_PATH (Node does not export it); the same value on x86-64 and arm64. */
const O_PATH = 0o10000000;

export interface VerifiedEntry {
  /** An O_PATH descriptor for the entry; close it when done. */
  handle: FileHandle;
  stats: Stats;
  /** /proc/self/fd/N: opens (or, for a directory, resolves names in) exactly this inode. */
  link: string;
}

export function isInside(rootReal: string, candidate: string): boolean {
  return candidate === rootReal || candidate.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
}

/** The path through which the kernel resolves to the descriptor's own inode. */
export function descriptorLink(handle: FileHandle): string {
  return `/proc/self/fd/${handle.fd}`;
}

export function escapedError(shown: string): FsError {
  return new FsError(`"${shown}" resolves outside the root (through a symbolic link); links that leave the root are not followed.`, 'outside_root');
}

/**
 * Opens `path` (its last component never followed) as an O_PATH descriptor and proves, from the
 * descriptor, that what was opened lies inside `rootReal`. Throws outside_root otherwise.
 */
export async function openVerified(rootReal: string, path: string, shown: string, options: { directory?: boolean } = {}): Promise<VerifiedEntry> {
  let handle: FileHandle;
  try {
    handle = await open(path, O_PATH | constants.O_NOFOLLOW | (options.directory ? constants.O_DIRECTORY : 0));
  } catch (error) {
    fromSystemError(error, shown);
  }
  try {
    const link = descriptorLink(handle);
    const location = await readlink(link);
    if (!isInside(rootReal, location)) throw escapedError(shown);
    const stats = await handle.stat();
    // The real path has no symlinks left; one here was swapped in after it was resolved.
    if (stats.isSymbolicLink()) throw escapedError(shown);
    return { handle, stats, link };
  } catch (error) {
    await handle.close();
    fromSystemError(error, shown);
  }
}

export interface FileRules {
  /** Files with more than one hard link may be another file of the system in disguise. */
  allowHardLinks: boolean;
}

/** Refuses anything but a regular file, and hard-linked files unless allowed. */
export function assertRegularFile(stats: Stats, shown: string, rules: FileRules): void {
  if (stats.isDirectory()) throw new FsError(`"${shown}" is a directory; use list_directory.`, 'is_a_directory');
  if (!stats.isFile()) throw new FsError(`"${shown}" is not a regular file (device, socket or pipe) and cannot be opened.`, 'not_a_file');
  if (stats.nlink > 1 && !rules.allowHardLinks) {
    throw new FsError(
      `"${shown}" has ${stats.nlink} hard links, so it may be a file outside the root under another name; it is refused (the operator can allow it with FS_ALLOW_HARDLINKS=true).`,
      'hard_link',
    );
  }
}

/** Reopens a proven entry for I/O through its descriptor: the same inode, no path walked again. */
export async function reopen(entry: VerifiedEntry, flags: number, shown: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(entry.link, flags | constants.O_NONBLOCK);
  } catch (error) {
    fromSystemError(error, shown);
  }
  const stats = await handle.stat();
  if (stats.ino !== entry.stats.ino || stats.dev !== entry.stats.dev) {
    await handle.close();
    throw escapedError(shown);
  }
  return handle;
}
