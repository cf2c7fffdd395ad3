import { z } from 'zod';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { asToolErrors } from '../../aws/tools/errors.ts';
import { objectKeySchema } from '../../aws/tools/schemas.ts';
import type { SummarizerDeps } from '../lib/summarize.ts';
import { summarizeFile } from '../lib/summarize.ts';

export function summarizeFileTool(deps: SummarizerDeps): ToolDefinition {
  return defineTool({
    name: 'summarize_file',
    title: 'Summarise a file',
    description: `Summarises a UTF-8 text file of the bucket ${deps.bucket} (at most ${deps.maxFileBytes} bytes) ${deps.modelId ? `with the Bedrock model ${deps.modelId}` : 'by extracting its most representative sentences'}.`,
    inputSchema: z.object({ file_key: objectKeySchema.describe('Key of the file in the bucket, e.g. "test.txt"') }),
    outputSchema: z.object({ file_key: z.string(), summary: z.string(), method: z.enum(['bedrock', 'extractive']), model_id: z.string().nullable(), bytes: z.number().int() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    // A file can be overwritten under the same key; a cached summary would describe the old one.
    cacheable: false,
    handler: ({ file_key }, { signal }) => asToolErrors(() => summarizeFile(deps, file_key, signal)),
  });
}
