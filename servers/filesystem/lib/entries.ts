// The entry kinds reported for directory listings, searches and file info.
import type { Stats } from 'node:fs';

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export function entryType(stats: Pick<Stats, 'isFile' | 'isDirectory' | 'isSymbolicLink'>): EntryType {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  return 'other';
}
