import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import { fileInfo } from '../lib/info.ts';
import { parseRelativePath } from '../lib/paths.ts';
import { selectRoot } from '../lib/roots.ts';
import { asToolErrors } from './errors.ts';
import { entryTypeSchema, pathArgument, rootArgument, type FsToolDeps } from './shared.ts';

export function createFileInfoTool(deps: FsToolDeps) {
  return defineTool({
    name: 'file_info',
    title: 'File info',
    description: 'Metadata of a file or directory: type, size, modified/created/accessed times, permissions, and whether the path is a symbolic link (links are described by their target, which must be inside the root).',
    inputSchema: z.object({ path: pathArgument.default(''), root: rootArgument(deps.roots) }),
    outputSchema: z.object({
      root: z.string(),
      path: z.string(),
      type: entryTypeSchema,
      size: z.number().int(),
      modified: z.string(),
      created: z.string(),
      accessed: z.string(),
      permissions: z.string().describe('Unix permission bits in octal, e.g. "0644".'),
      isSymlink: z.boolean(),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: ({ path, root }) => asToolErrors(() => fileInfo(selectRoot(deps.roots, root), parseRelativePath(path))),
  });
}
