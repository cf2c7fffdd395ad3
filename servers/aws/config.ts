// aws server settings from the environment the operator renders (see servers/README.md).
import { z } from 'zod';
import { parseEnvWith, splitList } from '../kit/parseEnv.ts';
import type { AwsConnection } from './lib/clients.ts';
import { awsConnectionEnv, awsConnectionFrom } from './lib/connectionConfig.ts';

export interface AwsServerConfig {
  connection: AwsConnection;
  /** Largest object get_object_text returns. */
  maxObjectBytes: number;
  /** Model ids invoke_model may call; empty disables it (with a clear tool error). */
  bedrockModelIds: string[];
  /** Upper bound (and default) for invoke_model's max_tokens. */
  bedrockMaxTokens: number;
}

const schema = z.object({
  ...awsConnectionEnv,
  AWS_MAX_OBJECT_BYTES: z.coerce.number().int().positive().max(16 * 1024 * 1024, 'must be at most 16 MiB').default(1024 * 1024),
  BEDROCK_MODEL_IDS: z.string().optional(),
  BEDROCK_MAX_TOKENS: z.coerce.number().int().min(1).max(8192).default(1024),
});

export function parseAwsServerConfig(env: Record<string, string | undefined>, timeoutMs: number): AwsServerConfig {
  const parsed = parseEnvWith(schema, env, 'aws server');
  return {
    connection: awsConnectionFrom(parsed, env, timeoutMs, 'aws server'),
    maxObjectBytes: parsed.AWS_MAX_OBJECT_BYTES,
    bedrockModelIds: splitList(parsed.BEDROCK_MODEL_IDS),
    bedrockMaxTokens: parsed.BEDROCK_MAX_TOKENS,
  };
}
