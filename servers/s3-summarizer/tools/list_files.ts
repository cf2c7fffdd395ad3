import { z } from 'zod';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { listObjects } from '../../aws/lib/s3.ts';
import { asToolErrors } from '../../aws/tools/errors.ts';
import { continuationTokenSchema, pageShape, prefixSchema } from '../../aws/tools/schemas.ts';

export function listFilesTool(deps: { s3: S3Client; bucket: string }): ToolDefinition {
  return defineTool({
    name: 'list_files',
    title: 'List files',
    description: `Lists one page of files in the bucket ${deps.bucket}, optionally under a prefix; pass next_continuation_token back for the next page.`,
    inputSchema: z.object({
      prefix: prefixSchema.optional(),
      max_files: z.number().int().min(1).max(1000).default(100).describe('Files per page (1-1000)'),
      continuation_token: continuationTokenSchema.optional(),
    }),
    outputSchema: z.object({ bucket: z.string(), ...pageShape }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    // Uploads change the listing at any time.
    cacheable: false,
    handler: (args, { signal }) =>
      asToolErrors(async () => ({
        bucket: deps.bucket,
        ...(await listObjects(deps.s3, { bucket: deps.bucket, prefix: args.prefix, maxKeys: args.max_files, continuationToken: args.continuation_token }, signal)),
      })),
  });
}
