import { z } from 'zod';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { listObjects } from '../lib/s3.ts';
import { asToolErrors } from './errors.ts';
import { bucketSchema, continuationTokenSchema, pageShape, prefixSchema } from './schemas.ts';

export function listObjectsTool(deps: { s3: S3Client }): ToolDefinition {
  return defineTool({
    name: 'list_objects',
    title: 'List S3 objects',
    description: 'Lists one page of objects in a bucket (ListObjectsV2), optionally under a prefix and grouped by a delimiter; pass next_continuation_token back for the next page.',
    inputSchema: z.object({
      bucket: bucketSchema,
      prefix: prefixSchema.optional(),
      delimiter: z.string().min(1).max(8).optional().describe('Group keys into common_prefixes at this character, usually "/"'),
      max_keys: z.number().int().min(1).max(1000).default(100).describe('Objects per page (1-1000)'),
      continuation_token: continuationTokenSchema.optional(),
    }),
    outputSchema: z.object({ bucket: z.string(), prefix: z.string(), ...pageShape }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    // Listings change whenever objects are uploaded; a cached page would hide new objects.
    cacheable: false,
    handler: (args, { signal }) =>
      asToolErrors(async () => {
        const page = await listObjects(deps.s3, { bucket: args.bucket, prefix: args.prefix, delimiter: args.delimiter, maxKeys: args.max_keys, continuationToken: args.continuation_token }, signal);
        return { bucket: args.bucket, prefix: args.prefix ?? '', ...page };
      }),
  });
}
