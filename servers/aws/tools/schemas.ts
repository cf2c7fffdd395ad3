// Argument and result schemas shared by the S3 tools of the aws and s3-summarizer servers.
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- control characters are what keys must not hold
const CONTROL = /[\u0000-\u001f\u007f]/;

export const bucketSchema = z
  .string()
  .min(3, 'bucket names have 3-63 characters')
  .max(63, 'bucket names have 3-63 characters')
  .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'bucket names use lowercase letters, digits, dots and hyphens')
  .describe('S3 bucket name, e.g. "my-reports"');

export const objectKeySchema = z
  .string()
  .min(1, 'key must not be empty')
  .max(1024, 'S3 keys are at most 1024 bytes')
  .refine((key) => Buffer.byteLength(key, 'utf8') <= 1024, 'S3 keys are at most 1024 bytes')
  .refine((key) => !CONTROL.test(key), 'key must not contain control characters')
  .describe('Object key, e.g. "reports/2024/q1.txt"');

export const prefixSchema = z
  .string()
  .max(1024)
  .refine((prefix) => !CONTROL.test(prefix), 'prefix must not contain control characters')
  .describe('Only keys starting with this prefix, e.g. "reports/"');

export const continuationTokenSchema = z.string().min(1).max(4096).describe('next_continuation_token from the previous page');

export const objectSummarySchema = z.object({ key: z.string(), size: z.number().int(), last_modified: z.string().nullable() });

export const pageShape = {
  objects: z.array(objectSummarySchema),
  common_prefixes: z.array(z.string()),
  next_continuation_token: z.string().nullable().describe('Pass back as continuation_token for the next page; null on the last page'),
  is_truncated: z.boolean(),
};
