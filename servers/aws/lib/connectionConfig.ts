// The environment variables shared by the AWS-backed servers: region, endpoint overrides (named
// like the SDK's own AWS_ENDPOINT_URL_<SERVICE>), path-style S3 and the attempt count.
import { z } from 'zod';
import { endpointUrlSchema, resolveAwsRegion } from '../../kit/awsClients.ts';
import { ConfigError } from '../../kit/env.ts';
import type { AwsConnection } from './clients.ts';

const booleanFlag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

export const awsConnectionEnv = {
  AWS_ENDPOINT_URL_S3: endpointUrlSchema.optional(),
  AWS_ENDPOINT_URL_EC2: endpointUrlSchema.optional(),
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpointUrlSchema.optional(),
  S3_FORCE_PATH_STYLE: booleanFlag.default(false),
  AWS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
};

export interface AwsConnectionEnv {
  AWS_ENDPOINT_URL_S3?: string | undefined;
  AWS_ENDPOINT_URL_EC2?: string | undefined;
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
  AWS_MAX_ATTEMPTS: number;
}

export function awsConnectionFrom(parsed: AwsConnectionEnv, rawEnv: Record<string, string | undefined>, timeoutMs: number, server: string): AwsConnection {
  const region = resolveAwsRegion(undefined, rawEnv);
  if (region === undefined) throw new ConfigError(`invalid ${server} settings: AWS_REGION: required (the region of the S3 buckets and Bedrock models, e.g. us-east-1)`);
  return {
    region,
    endpoints: { s3: parsed.AWS_ENDPOINT_URL_S3, ec2: parsed.AWS_ENDPOINT_URL_EC2, bedrockRuntime: parsed.AWS_ENDPOINT_URL_BEDROCK_RUNTIME },
    s3ForcePathStyle: parsed.S3_FORCE_PATH_STYLE,
    timeoutMs,
    maxAttempts: parsed.AWS_MAX_ATTEMPTS,
  };
}
