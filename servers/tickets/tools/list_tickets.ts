import { z } from 'zod';
import type { Logger } from '../../kit/logger.ts';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { STATUSES, listTickets, pageOf, ticketSchema } from '../lib/api.ts';
import type { BackendClient } from '../lib/backend.ts';
import { withTaxonomy } from './errors.ts';
import { limitSchema, skipSchema } from './schemas.ts';

export function listTicketsTool(deps: { backend: BackendClient; logger: Logger }): ToolDefinition {
  return defineTool({
    name: 'list_tickets',
    title: 'List support tickets',
    description: 'Lists support tickets, optionally only those with a status (open, in_progress, closed), with pagination.',
    inputSchema: z.object({ status: z.enum(STATUSES).optional().describe('Filter by status'), skip: skipSchema, limit: limitSchema(10, 100) }),
    outputSchema: pageOf(ticketSchema),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    // create_ticket changes this listing.
    cacheable: false,
    handler: ({ status, skip, limit }, context) => withTaxonomy(deps.logger, 'list_tickets', context, () => listTickets(deps.backend, status, skip, limit, context.signal)),
  });
}
