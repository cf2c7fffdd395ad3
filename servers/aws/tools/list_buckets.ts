import { z } from 'zod';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { listBuckets } from '../lib/s3.ts';
import { asToolErrors } from './errors.ts';

export const MAX_BUCKETS = 1000;

export function listBucketsTool(deps: { s3: S3Client }): ToolDefinition {
  return defineTool({
    name: 'list_buckets',
    title: 'List S3 buckets',
    description: `Lists the S3 buckets the server's AWS identity can see (at most ${MAX_BUCKETS}).`,
    inputSchema: z.object({}),
    outputSchema: z.object({ buckets: z.array(z.object({ name: z.string(), created_at: z.string().nullable() })), truncated: z.boolean() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: (_args, { signal }) => asToolErrors(() => listBuckets(deps.s3, signal, MAX_BUCKETS)),
  });
}
