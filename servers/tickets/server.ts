// The tickets catalog server: users, tickets and dataset queries against a backend REST API,
// authenticated with an Azure AD bearer token. createServer wires dependencies only; the
// credential and clients are built in open.ts. /readyz checks token acquisition and, when
// configured, the backend's health endpoint.
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import type { BackendClient } from './lib/backend.ts';
import type { TokenSource } from './lib/token.ts';
import { createTicketTool } from './tools/create_ticket.ts';
import { getUserProfileTool } from './tools/get_user_profile.ts';
import { listTicketsTool } from './tools/list_tickets.ts';
import { listUsersTool } from './tools/list_users.ts';
import { queryDataTool } from './tools/query_data.ts';

export interface TicketsDeps {
  backend: BackendClient;
  tokens: TokenSource;
  logger: Logger;
  /** GET this backend path in readiness checks; undefined checks the token only. */
  readinessPath: string | undefined;
  readinessTimeoutMs: number;
}

export const TICKETS_VERSION = '0.1.0';

export function createServer(deps: TicketsDeps): CatalogServer {
  const toolDeps = { backend: deps.backend, logger: deps.logger };
  return {
    name: 'tickets',
    version: TICKETS_VERSION,
    instructions:
      'Support desk tools: get_user_profile and list_users for people, create_ticket and list_tickets for support tickets, query_data for datasets. Errors are JSON objects with error (VALIDATION_ERROR, SERVICE_ERROR, AUTHENTICATION_ERROR, TIMEOUT_ERROR, INTERNAL_ERROR), message and details.',
    tools: [getUserProfileTool(toolDeps), listUsersTool(toolDeps), createTicketTool(toolDeps), listTicketsTool(toolDeps), queryDataTool(toolDeps)],
    async checkReady() {
      const signal = AbortSignal.timeout(deps.readinessTimeoutMs);
      await deps.tokens.getToken(signal);
      if (deps.readinessPath !== undefined) await deps.backend.checkHealth(deps.readinessPath, signal);
    },
  };
}
