import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import type { WeatherProvider } from '../lib/types.ts';
import type { Units } from '../lib/units.ts';
import { asToolErrors } from './errors.ts';
import { cityArgument, locationSchema, providerSchema, unitLabelsSchema, unitsArgument } from './schemas.ts';

export const MAX_FORECAST_DAYS = 5;

export interface ForecastToolDeps {
  provider: WeatherProvider;
  defaultUnits: Units;
}

export function createGetWeatherForecastTool(deps: ForecastToolDeps) {
  return defineTool({
    name: 'get_weather_forecast',
    title: 'Weather forecast',
    description: `Daily forecast for a city, up to ${MAX_FORECAST_DAYS} days: each day's minimum and maximum temperature, prevailing conditions and chance of precipitation. Days are local calendar dates at the city; the first one may be partial.`,
    inputSchema: z.object({
      city: cityArgument,
      days: z
        .number()
        .int('days must be a whole number')
        .min(1, 'days must be at least 1')
        .max(MAX_FORECAST_DAYS, `days must be at most ${MAX_FORECAST_DAYS}`)
        .default(MAX_FORECAST_DAYS)
        .describe(`Number of days, 1–${MAX_FORECAST_DAYS} (default ${MAX_FORECAST_DAYS}).`),
      units: unitsArgument,
    }),
    outputSchema: z.object({
      provider: providerSchema,
      location: locationSchema,
      units: z.enum(['metric', 'imperial', 'standard']),
      unitLabels: unitLabelsSchema,
      requestedDays: z.number().int(),
      days: z.array(
        z.object({
          date: z.string().describe('YYYY-MM-DD, local to the city.'),
          temperatureMin: z.number(),
          temperatureMax: z.number(),
          conditions: z.string(),
          precipitationChance: z.number().optional().describe('Highest chance of precipitation in the day, percent.'),
          precipitation: z.number().optional().describe('Total precipitation, mm.'),
        }),
      ),
      note: z.string().optional(),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: ({ city, days, units }, context) =>
      asToolErrors(() => deps.provider.forecast(city, days, units ?? deps.defaultUnits, context.signal)),
  });
}
