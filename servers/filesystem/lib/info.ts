// file_info: metadata of one path. A symlink inside the root is described by its target (and
// flagged); one that leaves the root is refused like any other escape. The metadata comes from a
// descriptor proven to lie inside the root (an O_PATH one: a FIFO or device is described, never opened).
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { entryType, type EntryType } from './entries.ts';
import { fromSystemError } from './errors.ts';
import { openExisting, type RelativePath } from './paths.ts';
import type { Root } from './roots.ts';

export interface FileInfo {
  root: string;
  path: string;
  type: EntryType;
  size: number;
  modified: string;
  created: string;
  accessed: string;
  /** Unix permission bits, e.g. "0644". */
  permissions: string;
  isSymlink: boolean;
}

export async function fileInfo(root: Root, path: RelativePath): Promise<FileInfo> {
  const entry = await openExisting(root, path);
  try {
    const link = await lstat(join(entry.rootReal, ...path.segments));
    const { stats } = entry;
    return {
      root: root.name,
      path: path.shown,
      type: entryType(stats),
      size: stats.size,
      modified: stats.mtime.toISOString(),
      created: stats.birthtime.toISOString(),
      accessed: stats.atime.toISOString(),
      permissions: (stats.mode & 0o7777).toString(8).padStart(4, '0'),
      isSymlink: link.isSymbolicLink(),
    };
  } catch (error) {
    fromSystemError(error, path.shown);
  } finally {
    await entry.handle.close();
  }
}
