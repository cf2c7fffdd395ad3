// Weather settings from the environment the operator renders (see the env contract in
// servers/README.md). Parsing is pure: it returns a typed config or throws a ConfigError listing
// every bad variable at once.
import { z } from 'zod';
import { ConfigError, unsetIfEmpty } from '../kit/env.ts';

export { ConfigError };
import { UNIT_SYSTEMS, type Units } from './lib/units.ts';

export interface WeatherConfig {
  /** Absent → the keyless wttr.in upstream. Never logged, never put in a message. */
  openWeatherApiKey: string | undefined;
  units: Units;
  openWeatherBaseUrl: string;
  wttrBaseUrl: string;
  /** Upstream request deadline (HTTP_TIMEOUT seconds). */
  httpTimeoutMs: number;
}

/** Kubernetes renders unset optional values as empty strings; treat them as unset. */
const httpUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL such as https://api.openweathermap.org');

const envSchema = z.object({
  OPENWEATHER_API_KEY: z.preprocess(unsetIfEmpty, z.string().trim().optional()),
  WEATHER_UNITS: z.preprocess(
    unsetIfEmpty,
    z.enum(UNIT_SYSTEMS, { error: `must be one of ${UNIT_SYSTEMS.join(', ')}` }).default('metric'),
  ),
  OPENWEATHER_BASE_URL: z.preprocess(unsetIfEmpty, httpUrl.default('https://api.openweathermap.org')),
  WTTR_BASE_URL: z.preprocess(unsetIfEmpty, httpUrl.default('https://wttr.in')),
  HTTP_TIMEOUT: z.preprocess(
    unsetIfEmpty,
    z.coerce.number({ error: 'must be a number of seconds, e.g. 5' }).positive('must be greater than 0').max(300, 'must be at most 300 seconds').default(5),
  ),
});

export function parseWeatherConfig(env: Readonly<Record<string, string | undefined>>): WeatherConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid weather server settings: ${problems.join('; ')}`);
  }
  const data = parsed.data;
  return {
    openWeatherApiKey: data.OPENWEATHER_API_KEY,
    units: data.WEATHER_UNITS,
    openWeatherBaseUrl: data.OPENWEATHER_BASE_URL,
    wttrBaseUrl: data.WTTR_BASE_URL,
    httpTimeoutMs: Math.round(data.HTTP_TIMEOUT * 1000),
  };
}
