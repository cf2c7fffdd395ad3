import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import { parseRelativePath } from '../lib/paths.ts';
import { selectRoot } from '../lib/roots.ts';
import { writeFileContent } from '../lib/writing.ts';
import { asToolErrors } from './errors.ts';
import { pathArgument, rootArgument, type FsToolDeps } from './shared.ts';

export interface WriteFileToolDeps extends FsToolDeps {
  maxWriteBytes: number;
  allowHardLinks: boolean;
}

/** Registered only when FS_ALLOW_WRITE=true, so read-only servers do not even offer it. */
export function createWriteFileTool(deps: WriteFileToolDeps) {
  return defineTool({
    name: 'write_file',
    title: 'Write file',
    description: `Writes a file inside a root: UTF-8 text, or bytes given as base64. Replaces an existing file unless ifExists is "fail". At most ${deps.maxWriteBytes} bytes.`,
    inputSchema: z.object({
      path: pathArgument.min(1, 'path must name a file, e.g. "notes/today.md"'),
      content: z.string(),
      root: rootArgument(deps.roots),
      encoding: z.enum(['utf8', 'base64']).default('utf8'),
      ifExists: z.enum(['overwrite', 'fail']).default('overwrite'),
      createParents: z.boolean().default(false).describe('Create missing parent directories.'),
    }),
    outputSchema: z.object({
      root: z.string(),
      path: z.string(),
      bytesWritten: z.number().int(),
      created: z.boolean().describe('False when an existing file was replaced.'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: ({ path, content, root, encoding, ifExists, createParents }) =>
      asToolErrors(() =>
        writeFileContent(selectRoot(deps.roots, root), parseRelativePath(path), {
          content,
          encoding,
          ifExists,
          createParents,
          maxBytes: deps.maxWriteBytes,
          allowHardLinks: deps.allowHardLinks,
        }),
      ),
  });
}
