// s3-summarizer settings from the environment the operator renders (see servers/README.md).
import { z } from 'zod';
import { parseEnvWith } from '../kit/parseEnv.ts';
import type { AwsConnection } from '../aws/lib/clients.ts';
import { awsConnectionEnv, awsConnectionFrom } from '../aws/lib/connectionConfig.ts';
import { bucketSchema } from '../aws/tools/schemas.ts';

export interface S3SummarizerConfig {
  connection: AwsConnection;
  bucket: string;
  /** Bedrock model for summaries; unset → extractive summaries without a model. */
  modelId: string | undefined;
  maxFileBytes: number;
  maxSummaryTokens: number;
  maxSentences: number;
}

const schema = z.object({
  ...awsConnectionEnv,
  S3_BUCKET_NAME: bucketSchema,
  BEDROCK_MODEL_ID: z.string().min(1).max(256).optional(),
  SUMMARIZER_MAX_FILE_BYTES: z.coerce.number().int().positive().max(16 * 1024 * 1024, 'must be at most 16 MiB').default(1024 * 1024),
  SUMMARY_MAX_TOKENS: z.coerce.number().int().min(16).max(4096).default(512),
  SUMMARY_MAX_SENTENCES: z.coerce.number().int().min(1).max(20).default(3),
});

export function parseS3SummarizerConfig(env: Record<string, string | undefined>, timeoutMs: number): S3SummarizerConfig {
  const parsed = parseEnvWith(schema, env, 's3-summarizer');
  return {
    connection: awsConnectionFrom(parsed, env, timeoutMs, 's3-summarizer'),
    bucket: parsed.S3_BUCKET_NAME,
    modelId: parsed.BEDROCK_MODEL_ID,
    maxFileBytes: parsed.SUMMARIZER_MAX_FILE_BYTES,
    maxSummaryTokens: parsed.SUMMARY_MAX_TOKENS,
    maxSentences: parsed.SUMMARY_MAX_SENTENCES,
  };
}
