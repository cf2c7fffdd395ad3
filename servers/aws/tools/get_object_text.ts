import { z } from 'zod';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { readObjectText } from '../lib/s3.ts';
import { asToolErrors } from './errors.ts';
import { bucketSchema, objectKeySchema } from './schemas.ts';

export function getObjectTextTool(deps: { s3: S3Client; maxObjectBytes: number }): ToolDefinition {
  return defineTool({
    name: 'get_object_text',
    title: 'Read an S3 object as text',
    description: `Returns the content of a UTF-8 text object (at most ${deps.maxObjectBytes} bytes). Binary objects and larger ones are refused with an error.`,
    inputSchema: z.object({ bucket: bucketSchema, key: objectKeySchema }),
    outputSchema: z.object({ bucket: z.string(), key: z.string(), text: z.string(), bytes: z.number().int(), content_type: z.string().nullable(), last_modified: z.string().nullable() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    // Objects can be overwritten in place under the same key.
    cacheable: false,
    handler: ({ bucket, key }, { signal }) =>
      asToolErrors(async () => ({ bucket, key, ...(await readObjectText(deps.s3, { bucket, key, maxBytes: deps.maxObjectBytes }, signal)) })),
  });
}
