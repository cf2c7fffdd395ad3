// Result shape shared by get_time and convert_time.
import { z } from 'zod';

export const zonedTimeSchema = z.object({
  timezone: z.string(),
  datetime: z.string().describe('ISO 8601 with UTC offset'),
  date: z.string(),
  time: z.string(),
  weekday: z.string(),
  utc_offset: z.string(),
  is_dst: z.boolean(),
});

export const timezoneArg = z.string().min(1).max(64).describe('IANA time zone name, e.g. "UTC", "Europe/Paris", "America/New_York"');
