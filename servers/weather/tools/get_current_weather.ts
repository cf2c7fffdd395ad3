import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import type { WeatherProvider } from '../lib/types.ts';
import type { Units } from '../lib/units.ts';
import { asToolErrors } from './errors.ts';
import { cityArgument, locationSchema, providerSchema, unitLabelsSchema, unitsArgument } from './schemas.ts';

export interface CurrentWeatherToolDeps {
  provider: WeatherProvider;
  defaultUnits: Units;
}

export function createGetCurrentWeatherTool(deps: CurrentWeatherToolDeps) {
  return defineTool({
    name: 'get_current_weather',
    title: 'Current weather',
    description:
      'Current conditions for a city: temperature, feels-like, humidity, pressure, wind, cloud cover, visibility and a short description.',
    inputSchema: z.object({ city: cityArgument, units: unitsArgument }),
    outputSchema: z.object({
      provider: providerSchema,
      location: locationSchema,
      units: z.enum(['metric', 'imperial', 'standard']),
      unitLabels: unitLabelsSchema,
      observedAt: z.string().optional().describe('ISO 8601 time of the observation.'),
      temperature: z.number(),
      feelsLike: z.number(),
      humidity: z.number().describe('Relative humidity, percent.'),
      pressure: z.number().describe('Pressure, hPa.'),
      windSpeed: z.number(),
      windDirection: z.number().optional().describe('Degrees the wind comes from.'),
      cloudCover: z.number().optional().describe('Percent.'),
      visibility: z.number().optional().describe('Metres.'),
      conditions: z.string(),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: ({ city, units }, context) =>
      asToolErrors(() => deps.provider.current(city, units ?? deps.defaultUnits, context.signal)),
  });
}
