// S3 reads for the aws and s3-summarizer servers: bucket and object listings (one page at a time,
// continuation tokens passed through) and an object's text, capped in size and refused when the
// bytes are not UTF-8 text. No MCP types here.
import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { AwsCallError, awsCall } from './errors.ts';
import { decodeText } from './text.ts';

export interface BucketSummary {
  name: string;
  created_at: string | null;
}

export interface ObjectSummary {
  key: string;
  size: number;
  last_modified: string | null;
}

export interface ObjectPage {
  objects: ObjectSummary[];
  common_prefixes: string[];
  next_continuation_token: string | null;
  is_truncated: boolean;
}

export interface ObjectText {
  text: string;
  bytes: number;
  content_type: string | null;
  last_modified: string | null;
}

export async function listBuckets(s3: S3Client, signal: AbortSignal, maxBuckets: number): Promise<{ buckets: BucketSummary[]; truncated: boolean }> {
  const out = await awsCall('list S3 buckets', 'No buckets are visible.', () => s3.send(new ListBucketsCommand({}), { abortSignal: signal }));
  const all = (out.Buckets ?? []).map((bucket) => ({ name: bucket.Name ?? '', created_at: bucket.CreationDate?.toISOString() ?? null }));
  return { buckets: all.slice(0, maxBuckets), truncated: all.length > maxBuckets };
}

export async function listObjects(
  s3: S3Client,
  request: { bucket: string; prefix?: string | undefined; delimiter?: string | undefined; maxKeys: number; continuationToken?: string | undefined },
  signal: AbortSignal,
): Promise<ObjectPage> {
  const out = await awsCall(`list objects in s3://${request.bucket}`, `Bucket "${request.bucket}" does not exist; check the name with list_buckets.`, () =>
    s3.send(
      new ListObjectsV2Command({
        Bucket: request.bucket,
        ...(request.prefix !== undefined && { Prefix: request.prefix }),
        ...(request.delimiter !== undefined && { Delimiter: request.delimiter }),
        MaxKeys: request.maxKeys,
        ...(request.continuationToken !== undefined && { ContinuationToken: request.continuationToken }),
      }),
      { abortSignal: signal },
    ),
  );
  return {
    objects: (out.Contents ?? []).map((object) => ({ key: object.Key ?? '', size: object.Size ?? 0, last_modified: object.LastModified?.toISOString() ?? null })),
    common_prefixes: (out.CommonPrefixes ?? []).map((prefix) => prefix.Prefix ?? '').filter((prefix) => prefix !== ''),
    next_continuation_token: out.NextContinuationToken ?? null,
    is_truncated: out.IsTruncated ?? false,
  };
}

/** Reads at most `limit` bytes of a body stream; more than that is an error (the size changed under us). */
async function readCapped(body: AsyncIterable<Uint8Array>, limit: number, describe: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > limit) {
      (body as { destroy?: () => void }).destroy?.();
      throw new AwsCallError(`${describe} is larger than the ${limit}-byte limit.`, 'too_large');
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, total);
}

/**
 * The object's text. HEAD first so an oversized object is refused without downloading it; the
 * GET is pinned to the HEAD's ETag so a concurrent overwrite cannot slip past the size check.
 */
export async function readObjectText(s3: S3Client, request: { bucket: string; key: string; maxBytes: number; listingTool?: string }, signal: AbortSignal): Promise<ObjectText> {
  const where = `s3://${request.bucket}/${request.key}`;
  const notFound = `No object "${request.key}" in bucket "${request.bucket}"; check the key with ${request.listingTool ?? 'list_objects'}.`;
  const head = await awsCall(`read ${where}`, notFound, () => s3.send(new HeadObjectCommand({ Bucket: request.bucket, Key: request.key }), { abortSignal: signal }));
  const size = head.ContentLength ?? 0;
  if (size > request.maxBytes) {
    throw new AwsCallError(`${where} is ${size} bytes, over the ${request.maxBytes}-byte limit for text reads; pick a smaller object.`, 'too_large');
  }
  const body = size === 0
    ? Buffer.alloc(0)
    : await awsCall(`read ${where}`, notFound, async () => {
        const object = await s3
          .send(new GetObjectCommand({ Bucket: request.bucket, Key: request.key, ...(head.ETag && { IfMatch: head.ETag }) }), { abortSignal: signal })
          .catch((error: unknown) => {
            if ((error as { name?: string }).name === 'PreconditionFailed') throw new AwsCallError(`${where} changed while it was being read; retry.`, 'upstream_unavailable');
            throw error;
          });
        if (object.Body === undefined) return Buffer.alloc(0);
        return readCapped(object.Body as AsyncIterable<Uint8Array>, request.maxBytes, where);
      });
  const text = decodeText(body);
  if (text === undefined) {
    throw new AwsCallError(`${where} is binary (${head.ContentType ?? 'unknown type'}), not UTF-8 text; only text objects can be read.`, 'binary_content');
  }
  return { text, bytes: body.byteLength, content_type: head.ContentType ?? null, last_modified: head.LastModified?.toISOString() ?? null };
}
