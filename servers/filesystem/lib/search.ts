// search_files: breadth-first walk from a directory, matching entry names against a glob-ish
// pattern. Bounded three ways (depth, matches, entries examined) so a huge tree costs a fixed
// amount; symbolic links are reported but never descended into.
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { entryType, type EntryType } from './entries.ts';
import { FsError, fromSystemError } from './errors.ts';
import { compileNamePattern } from './glob.ts';
import { resolveExisting, type RelativePath } from './paths.ts';
import type { Root } from './roots.ts';

export interface SearchOptions {
  pattern: string;
  maxDepth: number;
  maxResults: number;
  /** Entries examined before the walk stops. */
  maxScanned: number;
  caseSensitive: boolean;
}

export interface SearchMatch {
  path: string;
  type: EntryType;
}

export interface SearchResult {
  root: string;
  path: string;
  pattern: string;
  matches: SearchMatch[];
  scanned: number;
  truncated: boolean;
  truncatedReason?: 'max_results' | 'max_scanned';
}

export async function searchFiles(root: Root, start: RelativePath, options: SearchOptions): Promise<SearchResult> {
  const real = await resolveExisting(root, start);
  const matcher = compileNamePattern(options.pattern, options.caseSensitive);
  const matches: SearchMatch[] = [];
  let scanned = 0;
  let truncatedReason: SearchResult['truncatedReason'];
  // Each queue item: real directory path, its path relative to the root, its depth (start = 1).
  const queue: { dir: string; shown: string; depth: number }[] = [{ dir: real, shown: start.shown, depth: 1 }];

  walk: while (queue.length > 0) {
    const current = queue.shift();
    if (!current) break;
    let dir;
    try {
      dir = await opendir(current.dir);
    } catch (error) {
      if (current.dir === real) {
        if ((error as { code?: unknown }).code === 'ENOTDIR') {
          throw new FsError(`"${start.shown}" is a file; search_files starts from a directory.`, 'not_a_directory');
        }
        fromSystemError(error, start.shown);
      }
      continue; // An unreadable subdirectory is skipped, not fatal.
    }
    const children: { name: string; type: EntryType }[] = [];
    try {
      for await (const dirent of dir) {
        if (scanned === options.maxScanned) {
          truncatedReason = 'max_scanned';
          break;
        }
        scanned += 1;
        children.push({ name: dirent.name, type: entryType(dirent) });
      }
    } catch {
      // The directory vanished mid-read: keep what was read.
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const shown = current.shown === '' ? child.name : `${current.shown}/${child.name}`;
      if (matcher.test(child.name)) {
        if (matches.length === options.maxResults) {
          truncatedReason = 'max_results';
          break walk;
        }
        matches.push({ path: shown, type: child.type });
      }
      if (child.type === 'directory' && current.depth < options.maxDepth) {
        queue.push({ dir: join(current.dir, child.name), shown, depth: current.depth + 1 });
      }
    }
    if (truncatedReason === 'max_scanned') break;
  }
  return {
    root: root.name,
    path: start.shown,
    pattern: options.pattern,
    matches,
    scanned,
    truncated: truncatedReason !== undefined,
    ...(truncatedReason && { truncatedReason }),
  };
}
