import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import { listDirectory } from '../lib/listing.ts';
import { parseRelativePath } from '../lib/paths.ts';
import { selectRoot } from '../lib/roots.ts';
import { asToolErrors } from './errors.ts';
import { entryTypeSchema, pathArgument, rootArgument, type FsToolDeps } from './shared.ts';

export const MAX_LIST_ENTRIES = 1000;

export function createListDirectoryTool(deps: FsToolDeps) {
  return defineTool({
    name: 'list_directory',
    title: 'List directory',
    description: `Lists a directory's entries (name, type, size of files, modification time), sorted by name, at most ${MAX_LIST_ENTRIES} (see "truncated"). Symbolic links are shown as links, not followed.`,
    inputSchema: z.object({
      path: pathArgument.default(''),
      root: rootArgument(deps.roots),
      maxEntries: z.number().int().min(1).max(MAX_LIST_ENTRIES).default(MAX_LIST_ENTRIES).describe(`At most this many entries (≤ ${MAX_LIST_ENTRIES}).`),
    }),
    outputSchema: z.object({
      root: z.string(),
      path: z.string(),
      entries: z.array(z.object({ name: z.string(), type: entryTypeSchema, size: z.number().int().optional(), modified: z.string() })),
      truncated: z.boolean(),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: ({ path, root, maxEntries }) =>
      asToolErrors(() => listDirectory(selectRoot(deps.roots, root), parseRelativePath(path), maxEntries)),
  });
}
