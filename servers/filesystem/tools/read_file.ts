import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import { parseRelativePath } from '../lib/paths.ts';
import { readFileContent } from '../lib/reading.ts';
import { selectRoot } from '../lib/roots.ts';
import { asToolErrors } from './errors.ts';
import { pathArgument, rootArgument, type FsToolDeps } from './shared.ts';

export interface ReadFileToolDeps extends FsToolDeps {
  maxReadBytes: number;
  allowHardLinks: boolean;
}

export function createReadFileTool(deps: ReadFileToolDeps) {
  return defineTool({
    name: 'read_file',
    title: 'Read file',
    description: `Reads a file. Text (valid UTF-8 without NUL bytes) comes back as is with encoding "utf8"; binary content comes back base64-encoded with encoding "base64". At most ${deps.maxReadBytes} bytes per call: read bigger files in parts with offset and length ("more" says whether bytes remain).`,
    inputSchema: z.object({
      path: pathArgument.min(1, 'path must name a file, e.g. "docs/readme.md"'),
      root: rootArgument(deps.roots),
      offset: z.number().int().min(0).optional().describe('Byte offset to start at (default 0).'),
      length: z.number().int().min(1).optional().describe(`Bytes to read (default: to the end; at most ${deps.maxReadBytes}).`),
      encoding: z.enum(['auto', 'utf8', 'base64']).default('auto').describe('auto (default) detects binary; utf8 forces text (invalid bytes become U+FFFD); base64 forces base64.'),
    }),
    outputSchema: z.object({
      root: z.string(),
      path: z.string(),
      size: z.number().int().describe('Size of the whole file in bytes.'),
      offset: z.number().int(),
      bytesRead: z.number().int(),
      encoding: z.enum(['utf8', 'base64']),
      content: z.string(),
      more: z.boolean().describe('True when bytes remain after offset + bytesRead.'),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: ({ path, root, offset, length, encoding }) =>
      asToolErrors(() =>
        readFileContent(selectRoot(deps.roots, root), parseRelativePath(path), { maxBytes: deps.maxReadBytes, offset, length, encoding, allowHardLinks: deps.allowHardLinks }),
      ),
  });
}
