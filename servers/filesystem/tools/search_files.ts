import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import { parseRelativePath } from '../lib/paths.ts';
import { selectRoot } from '../lib/roots.ts';
import { searchFiles } from '../lib/search.ts';
import { asToolErrors } from './errors.ts';
import { entryTypeSchema, pathArgument, rootArgument, type FsToolDeps } from './shared.ts';

export const MAX_SEARCH_RESULTS = 1000;
export const MAX_SEARCH_DEPTH = 20;
/** Entries examined per search; bounds the cost of a search over a huge tree. */
export const MAX_SEARCH_SCANNED = 50_000;

export function createSearchFilesTool(deps: FsToolDeps) {
  return defineTool({
    name: 'search_files',
    title: 'Search files',
    description: `Finds files and directories whose name matches a pattern ("*" = any characters, "?" = one character, e.g. "*.md", "report-202?-*.csv"), walking down from a directory. Bounded: depth (≤ ${MAX_SEARCH_DEPTH}), results (≤ ${MAX_SEARCH_RESULTS}) and ${MAX_SEARCH_SCANNED} entries examined; "truncated" says when a bound cut the search. Symbolic links are not followed.`,
    inputSchema: z.object({
      pattern: z.string().min(1, 'pattern must not be empty, e.g. "*.md"').max(256).refine((p) => !p.includes('/'), 'pattern matches names, not paths: leave out "/" and set path to the directory to search'),
      path: pathArgument.default('').describe('Directory to search from, relative to the root (default: the root).'),
      root: rootArgument(deps.roots),
      maxDepth: z.number().int().min(1).max(MAX_SEARCH_DEPTH).default(5).describe('1 = only the starting directory (default 5).'),
      maxResults: z.number().int().min(1).max(MAX_SEARCH_RESULTS).default(100),
      caseSensitive: z.boolean().default(false),
    }),
    outputSchema: z.object({
      root: z.string(),
      path: z.string(),
      pattern: z.string(),
      matches: z.array(z.object({ path: z.string(), type: entryTypeSchema })),
      scanned: z.number().int(),
      truncated: z.boolean(),
      truncatedReason: z.enum(['max_results', 'max_scanned']).optional(),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: ({ pattern, path, root, maxDepth, maxResults, caseSensitive }, context) =>
      asToolErrors(() =>
        searchFiles(selectRoot(deps.roots, root), parseRelativePath(path), {
          pattern,
          maxDepth,
          maxResults,
          maxScanned: MAX_SEARCH_SCANNED,
          caseSensitive,
          signal: context.signal,
        }),
      ),
  });
}
