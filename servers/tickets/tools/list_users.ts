import { z } from 'zod';
import type { Logger } from '../../kit/logger.ts';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { listUsers, pageOf, userSchema } from '../lib/api.ts';
import type { BackendClient } from '../lib/backend.ts';
import { withTaxonomy } from './errors.ts';
import { limitSchema, skipSchema } from './schemas.ts';

export function listUsersTool(deps: { backend: BackendClient; logger: Logger }): ToolDefinition {
  return defineTool({
    name: 'list_users',
    title: 'List users',
    description: 'Lists users with pagination (skip, limit); total is the number of users overall.',
    inputSchema: z.object({ skip: skipSchema, limit: limitSchema(10, 100) }),
    outputSchema: pageOf(userSchema),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    // Users come and go; a cached page would be stale.
    cacheable: false,
    handler: ({ skip, limit }, context) => withTaxonomy(deps.logger, 'list_users', context, () => listUsers(deps.backend, skip, limit, context.signal)),
  });
}
