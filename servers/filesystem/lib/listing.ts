// list_directory: one directory's entries, sorted by name, bounded in count. Symbolic links are
// reported as links (lstat), never followed. The directory is read through a descriptor proven to
// lie inside the root, and entries are examined relative to it.
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { entryType, type EntryType } from './entries.ts';
import { FsError, fromSystemError } from './errors.ts';
import { openExisting, type RelativePath } from './paths.ts';
import type { Root } from './roots.ts';

export interface DirectoryEntry {
  name: string;
  type: EntryType;
  /** Bytes, for files. */
  size?: number;
  modified: string;
}

export interface DirectoryListing {
  root: string;
  path: string;
  entries: DirectoryEntry[];
  truncated: boolean;
}

export async function listDirectory(root: Root, path: RelativePath, maxEntries: number): Promise<DirectoryListing> {
  const directory = await openExisting(root, path);
  try {
    if (!directory.stats.isDirectory()) {
      throw new FsError(`"${path.shown}" is a file, not a directory; use read_file or file_info.`, 'not_a_directory');
    }
    const names: string[] = [];
    let truncated = false;
    try {
      const dir = await opendir(directory.link);
      // Read at most maxEntries + 1 names: enough to sort a bounded page and know there is more.
      for await (const dirent of dir) {
        if (names.length === maxEntries) {
          truncated = true;
          break;
        }
        names.push(dirent.name);
      }
    } catch (error) {
      fromSystemError(error, path.shown);
    }
    names.sort();
    const entries = await Promise.all(
      names.map(async (name): Promise<DirectoryEntry | undefined> => {
        try {
          const stats = await lstat(join(directory.link, name));
          const type = entryType(stats);
          return { name, type, ...(type === 'file' && { size: stats.size }), modified: stats.mtime.toISOString() };
        } catch {
          return undefined; // Removed between readdir and lstat.
        }
      }),
    );
    return { root: root.name, path: path.shown, entries: entries.filter((e) => e !== undefined), truncated };
  } finally {
    await directory.handle.close();
  }
}
