// zod shapes shared by both weather tools: arguments and the provider-neutral result parts.
import { z } from 'zod';
import { UNIT_SYSTEMS } from '../lib/units.ts';

export const cityArgument = z
  .string()
  .trim()
  .min(1, 'city must not be empty, e.g. "London" or "Paris,FR"')
  .max(120, 'city must be at most 120 characters')
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'city must not contain control characters')
  .describe('City name, optionally qualified by a country code or name, e.g. "London", "Paris,FR", "Springfield,US".');

export const unitsArgument = z
  .enum(UNIT_SYSTEMS)
  .optional()
  .describe('metric (°C, m/s), imperial (°F, mph) or standard (K, m/s); defaults to the server setting WEATHER_UNITS.');

export const providerSchema = z.enum(['openweather', 'wttr.in']).describe('The upstream that answered.');

export const locationSchema = z.object({
  name: z.string(),
  country: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});

export const unitLabelsSchema = z.object({
  temperature: z.enum(['°C', '°F', 'K']),
  windSpeed: z.enum(['m/s', 'mph']),
});
