// Opens the tickets server from the environment for the catalog registry: parses its settings
// and builds the Azure credential, the token cache and the backend client. No token is fetched
// here; the first readiness probe does that.
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { parseTicketsConfig } from './config.ts';
import { BackendClient } from './lib/backend.ts';
import { credentialFor } from './lib/credential.ts';
import { CachedTokenSource } from './lib/token.ts';
import { createServer } from './server.ts';

export const MAX_BACKEND_RESPONSE_BYTES = 4 * 1024 * 1024;

export async function openTicketsServer(env: Record<string, string | undefined>, context: { logger: Logger }): Promise<CatalogServer> {
  const config = parseTicketsConfig(env);
  const tokens = new CachedTokenSource(credentialFor(config.auth), config.scope, { timeoutMs: config.timeoutMs });
  const backend = new BackendClient({
    baseUrl: config.backendUrl,
    tokens,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    backoff: { baseMs: 200, capMs: 5000 },
    maxResponseBytes: MAX_BACKEND_RESPONSE_BYTES,
  });
  context.logger.info('tickets backend configured', { backend: config.backendUrl, scope: config.scope, credential: config.auth.kind, readinessChecksBackend: config.readinessChecksBackend });
  return createServer({ backend, tokens, logger: context.logger, readinessPath: config.readinessChecksBackend ? config.healthPath : undefined, readinessTimeoutMs: config.timeoutMs });
}
