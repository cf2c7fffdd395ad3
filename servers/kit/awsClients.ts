// Options shared by every AWS SDK client the servers open (S3, EC2, Bedrock Runtime, DynamoDB):
// credentials always come from the SDK's default chain (environment, web identity for IRSA, the
// EKS Pod Identity agent, instance metadata), so nothing here names a credential. An endpoint
// override exists for VPC endpoints and S3-compatible stores; tests point it at an emulator.
import { z } from 'zod';

export interface AwsClientSettings {
  region: string;
  /** e.g. https://bedrock-runtime.vpce-123.us-east-1.vpce.amazonaws.com; unset: the public endpoint. */
  endpoint: string | undefined;
  /** Socket connect and per-request timeout. */
  timeoutMs: number;
  /** Total attempts including the first (the SDK retries throttles and 5xx with backoff). */
  maxAttempts: number;
}

/** Region from the server's own setting, else the SDK's environment variables. */
export function resolveAwsRegion(configured: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const candidates = [configured, env.AWS_REGION, env.AWS_DEFAULT_REGION];
  return candidates.map((value) => value?.trim()).find((value): value is string => value !== undefined && value !== '');
}

export const endpointUrlSchema = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');

/** The constructor options every client takes; pure so tests can assert them. */
export function awsClientOptions(settings: AwsClientSettings) {
  return {
    region: settings.region,
    ...(settings.endpoint !== undefined && { endpoint: settings.endpoint }),
    maxAttempts: settings.maxAttempts,
    requestHandler: { connectionTimeout: settings.timeoutMs, requestTimeout: settings.timeoutMs },
  };
}

/** The AWS error name (ThrottlingException, NoSuchKey, ...), or undefined for non-AWS errors. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}

/** The HTTP status the service answered with, when there was one. */
export function awsHttpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
