import { z } from 'zod';
import type { Logger } from '../../kit/logger.ts';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { getUserProfile, userSchema } from '../lib/api.ts';
import type { BackendClient } from '../lib/backend.ts';
import { withTaxonomy } from './errors.ts';
import { idSchema } from './schemas.ts';

export function getUserProfileTool(deps: { backend: BackendClient; logger: Logger }): ToolDefinition {
  return defineTool({
    name: 'get_user_profile',
    title: 'Get a user profile',
    description: "Returns a user's profile (id, name, email, created_at), with the detailed profile when include_details is true.",
    inputSchema: z.object({ user_id: idSchema.describe('User unique identifier'), include_details: z.boolean().default(false).describe('Include detailed profile info') }),
    outputSchema: userSchema,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: ({ user_id, include_details }, context) =>
      withTaxonomy(deps.logger, 'get_user_profile', context, () => getUserProfile(deps.backend, user_id, include_details, context.signal)),
  });
}
