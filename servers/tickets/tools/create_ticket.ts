import { z } from 'zod';
import type { Logger } from '../../kit/logger.ts';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { PRIORITIES, createTicket, ticketSchema } from '../lib/api.ts';
import type { BackendClient } from '../lib/backend.ts';
import { withTaxonomy } from './errors.ts';
import { idSchema } from './schemas.ts';

export function createTicketTool(deps: { backend: BackendClient; logger: Logger }): ToolDefinition {
  return defineTool({
    name: 'create_ticket',
    title: 'Create a support ticket',
    description: 'Creates a support ticket (title 1-200 characters, description 10-5000 characters, priority low/medium/high/critical) and returns it.',
    inputSchema: z.object({
      title: z.string().trim().min(1, 'title must have 1-200 characters').max(200, 'title must have 1-200 characters').describe('Ticket title (1-200 chars)'),
      description: z.string().trim().min(10, 'description must have 10-5000 characters').max(5000, 'description must have 10-5000 characters').describe('Ticket description (10-5000 chars)'),
      priority: z.enum(PRIORITIES).default('medium').describe('Priority level'),
      assignee_id: idSchema.optional().describe('Assignee user ID'),
    }),
    outputSchema: ticketSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    handler: (args, context) => withTaxonomy(deps.logger, 'create_ticket', context, () => createTicket(deps.backend, args, context.signal)),
  });
}
