import { z } from 'zod';
import type { ToolDefinition } from '../../kit/tool.ts';
import { ToolError, defineTool } from '../../kit/tool.ts';
import { TimeInputError, describeInstant, offsetDifference, parseTimeInZone } from '../lib/time.ts';
import { timezoneArg, zonedTimeSchema } from './timeSchemas.ts';

export function convertTimeTool(deps: { now: () => number }): ToolDefinition {
  return defineTool({
    name: 'convert_time',
    title: 'Convert time between zones',
    description:
      'Converts a time from one IANA time zone to another. "time" is "HH:MM" (today in from_timezone), "YYYY-MM-DDTHH:MM" (that wall-clock time in from_timezone) or an ISO 8601 timestamp with offset.',
    inputSchema: z.object({
      time: z.string().min(1).max(40).describe('e.g. "14:30", "2024-06-01T14:30" or "2024-06-01T12:30:00Z"'),
      from_timezone: timezoneArg,
      to_timezone: timezoneArg,
    }),
    outputSchema: z.object({ source: zonedTimeSchema, target: zonedTimeSchema, time_difference: z.string() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    // "HH:MM" means today, so the same arguments give a different answer tomorrow.
    cacheable: false,
    async handler({ time, from_timezone, to_timezone }) {
      try {
        const instant = parseTimeInZone(time, from_timezone, deps.now());
        const source = describeInstant(instant, from_timezone);
        const target = describeInstant(instant, to_timezone);
        return { source, target, time_difference: offsetDifference(instant, source.timezone, target.timezone) };
      } catch (error) {
        if (error instanceof TimeInputError) throw new ToolError(error.message, 'invalid_time');
        throw error;
      }
    },
  });
}
