import { z } from 'zod';
import type { ToolDefinition } from '../../kit/tool.ts';
import { ToolError, defineTool } from '../../kit/tool.ts';
import { TimeInputError, describeInstant } from '../lib/time.ts';
import { timezoneArg, zonedTimeSchema } from './timeSchemas.ts';

export function getTimeTool(deps: { now: () => number }): ToolDefinition {
  return defineTool({
    name: 'get_time',
    title: 'Current time',
    description: 'Returns the current date and time in an IANA time zone (default UTC), with its UTC offset and whether daylight saving applies.',
    inputSchema: z.object({ timezone: timezoneArg.default('UTC') }),
    outputSchema: zonedTimeSchema.extend({ unix_seconds: z.number().int(), utc: z.string() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    // The answer changes every second.
    cacheable: false,
    async handler({ timezone }) {
      const now = deps.now();
      try {
        return { ...describeInstant(now, timezone), unix_seconds: Math.floor(now / 1000), utc: new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z') };
      } catch (error) {
        if (error instanceof TimeInputError) throw new ToolError(error.message, 'invalid_timezone');
        throw error;
      }
    },
  });
}
