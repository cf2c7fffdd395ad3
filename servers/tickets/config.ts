// tickets server settings from the environment: the backend, and the Azure identity the AKS
// Workload Identity webhook injects (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE,
// AZURE_AUTHORITY_HOST) or a service principal's AZURE_CLIENT_SECRET as the fallback.
import { z } from 'zod';
import { ConfigError } from '../kit/env.ts';
import { parseEnvWith } from '../kit/parseEnv.ts';

export type AzureAuth =
  | { kind: 'workload-identity'; tenantId: string; clientId: string; tokenFilePath: string; authorityHost: string | undefined }
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string; authorityHost: string | undefined };

export interface TicketsConfig {
  backendUrl: string;
  /** OAuth scope of the backend, e.g. api://tickets-backend/.default */
  scope: string;
  timeoutMs: number;
  maxRetries: number;
  readinessChecksBackend: boolean;
  healthPath: string;
  auth: AzureAuth;
}

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const schema = z.object({
  BACKEND_API_URL: httpUrl,
  BACKEND_API_SCOPE: z.string().min(1).max(500).optional(),
  BACKEND_API_TIMEOUT: z.coerce.number().positive().max(300).default(10),
  BACKEND_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  BACKEND_HEALTH_PATH: z.string().startsWith('/').default('/health'),
  READINESS_CHECK_BACKEND: flag.default(true),
  AZURE_TENANT_ID: z.string().min(1),
  AZURE_CLIENT_ID: z.string().min(1),
  AZURE_FEDERATED_TOKEN_FILE: z.string().startsWith('/').optional(),
  AZURE_CLIENT_SECRET: z.string().optional(),
  AZURE_AUTHORITY_HOST: z.string().regex(/^https:\/\/[^\s]+$/, 'must be an https URL such as https://login.microsoftonline.com').optional(),
});

export function parseTicketsConfig(env: Record<string, string | undefined>): TicketsConfig {
  const parsed = parseEnvWith(schema, env, 'tickets server');
  const common = { tenantId: parsed.AZURE_TENANT_ID, clientId: parsed.AZURE_CLIENT_ID, authorityHost: parsed.AZURE_AUTHORITY_HOST };
  let auth: AzureAuth;
  if (parsed.AZURE_FEDERATED_TOKEN_FILE) auth = { kind: 'workload-identity', ...common, tokenFilePath: parsed.AZURE_FEDERATED_TOKEN_FILE };
  else if (parsed.AZURE_CLIENT_SECRET) auth = { kind: 'client-secret', ...common, clientSecret: parsed.AZURE_CLIENT_SECRET };
  else {
    throw new ConfigError(
      'invalid tickets server settings: no Azure credential: set identity.azure on the McpServer (Workload Identity injects AZURE_FEDERATED_TOKEN_FILE) or provide AZURE_CLIENT_SECRET for a service principal',
    );
  }
  return {
    backendUrl: parsed.BACKEND_API_URL,
    scope: parsed.BACKEND_API_SCOPE ?? `${new URL(parsed.BACKEND_API_URL).origin}/.default`,
    timeoutMs: Math.round(parsed.BACKEND_API_TIMEOUT * 1000),
    maxRetries: parsed.BACKEND_MAX_RETRIES,
    readinessChecksBackend: parsed.READINESS_CHECK_BACKEND,
    healthPath: parsed.BACKEND_HEALTH_PATH,
    auth,
  };
}
