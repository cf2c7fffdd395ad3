// search_files: breadth-first walk from a directory, matching entry names against a glob-ish
// pattern. Bounded three ways (depth, matches, entries examined) so a huge tree costs a fixed
// amount; symbolic links are reported but never descended into. Every directory is read through
// a descriptor proven to lie inside the root, so a directory swapped for a link mid-walk is
// skipped, not followed. The walk yields to the event loop every few milliseconds and stops when
// the call's signal aborts (TOOL_TIMEOUT, cancellation, drain): matching is linear (glob.ts), so
// no step between two yields can take long.
import { opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { openVerified, type VerifiedEntry } from './descriptors.ts';
import { entryType, type EntryType } from './entries.ts';
import { FsError, fromSystemError } from './errors.ts';
import { compileNamePattern } from './glob.ts';
import { openExisting, type RelativePath } from './paths.ts';
import type { Root } from './roots.ts';

export interface SearchOptions {
  pattern: string;
  maxDepth: number;
  maxResults: number;
  /** Entries examined before the walk stops. */
  maxScanned: number;
  caseSensitive: boolean;
  /** Aborts the walk (it then rejects with the signal's reason). */
  signal?: AbortSignal;
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

/** Longest stretch of work between two turns of the event loop. */
const SLICE_MS = 5;

export async function searchFiles(root: Root, start: RelativePath, options: SearchOptions): Promise<SearchResult> {
  const first = await openExisting(root, start);
  if (!first.stats.isDirectory()) {
    await first.handle.close();
    throw new FsError(`"${start.shown}" is a file; search_files starts from a directory.`, 'not_a_directory');
  }
  const { rootReal } = first;
  const matcher = compileNamePattern(options.pattern, options.caseSensitive);
  const matches: SearchMatch[] = [];
  let scanned = 0;
  let truncatedReason: SearchResult['truncatedReason'];
  let sliceStartedAt = performance.now();
  const pause = async () => {
    if (performance.now() - sliceStartedAt < SLICE_MS) return;
    await yieldToEventLoop();
    options.signal?.throwIfAborted();
    sliceStartedAt = performance.now();
  };
  // Each queue item: the directory's location (real path of its parent joined with its name),
  // its path relative to the root, its depth (start = 1).
  const queue: { dir: string; shown: string; depth: number }[] = [];
  let pending: VerifiedEntry | undefined = first;

  walk: for (let current: { dir: string; shown: string; depth: number } | undefined = { dir: '', shown: start.shown, depth: 1 }; current; current = queue.shift()) {
    options.signal?.throwIfAborted();
    let directory: VerifiedEntry;
    if (pending) {
      directory = pending;
      pending = undefined;
    } else {
      try {
        directory = await openVerified(rootReal, current.dir, current.shown, { directory: true });
      } catch {
        continue; // Unreadable, vanished or swapped for a link: skipped, not fatal.
      }
    }
    const children: { name: string; type: EntryType }[] = [];
    try {
      const dir = await opendir(directory.link);
      for await (const dirent of dir) {
        if (scanned === options.maxScanned) {
          truncatedReason = 'max_scanned';
          break;
        }
        scanned += 1;
        children.push({ name: dirent.name, type: entryType(dirent) });
      }
    } catch (error) {
      if (current.depth === 1) {
        await directory.handle.close();
        fromSystemError(error, start.shown);
      }
      // The directory vanished mid-read: keep what was read.
    }
    // Children are reached below the real location this descriptor was proven at.
    const location = await readDescriptorLocation(directory);
    await directory.handle.close();
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      await pause();
      const shown = current.shown === '' ? child.name : `${current.shown}/${child.name}`;
      if (matcher.test(child.name)) {
        if (matches.length === options.maxResults) {
          truncatedReason = 'max_results';
          break walk;
        }
        matches.push({ path: shown, type: child.type });
      }
      if (child.type === 'directory' && current.depth < options.maxDepth && location !== undefined) {
        queue.push({ dir: join(location, child.name), shown, depth: current.depth + 1 });
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

function readDescriptorLocation(directory: VerifiedEntry): Promise<string | undefined> {
  return readlink(directory.link).catch(() => undefined);
}
