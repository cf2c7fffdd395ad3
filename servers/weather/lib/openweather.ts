// OpenWeather (api.openweathermap.org, API 2.5): /data/2.5/weather for current conditions and
// /data/2.5/forecast (3-hourly steps for 5 days) aggregated into daily summaries.
import { z } from 'zod';
import { aggregateDays, type ForecastStep } from './aggregate.ts';
import { WeatherError } from './errors.ts';
import { parseJson, requestUpstream } from './http.ts';
import type { CurrentWeather, FetchLike, Forecast, WeatherProvider } from './types.ts';
import { unitLabels } from './units.ts';

export interface OpenWeatherOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  fetch: FetchLike;
}

const SERVICE = 'OpenWeather';

const conditionSchema = z.object({ main: z.string(), description: z.string() });

const currentSchema = z.object({
  name: z.string(),
  coord: z.object({ lat: z.number(), lon: z.number() }).optional(),
  sys: z.object({ country: z.string().optional() }).optional(),
  dt: z.number().optional(),
  weather: z.array(conditionSchema).min(1),
  main: z.object({ temp: z.number(), feels_like: z.number(), humidity: z.number(), pressure: z.number() }),
  wind: z.object({ speed: z.number(), deg: z.number().optional() }).optional(),
  clouds: z.object({ all: z.number() }).optional(),
  visibility: z.number().optional(),
});

const forecastSchema = z.object({
  list: z.array(
    z.object({
      dt: z.number(),
      main: z.object({ temp_min: z.number(), temp_max: z.number() }),
      weather: z.array(conditionSchema).min(1),
      pop: z.number().optional(),
      rain: z.object({ '3h': z.number().optional() }).optional(),
      snow: z.object({ '3h': z.number().optional() }).optional(),
      sys: z.object({ pod: z.string().optional() }).optional(),
    }),
  ),
  city: z.object({
    name: z.string(),
    country: z.string().optional(),
    coord: z.object({ lat: z.number(), lon: z.number() }).optional(),
    /** Shift from UTC in seconds; days are grouped by the city's local date. */
    timezone: z.number().default(0),
  }),
});

export function createOpenWeatherProvider(options: OpenWeatherOptions): WeatherProvider {
  async function get(path: string, params: Record<string, string>, city: string, signal: AbortSignal): Promise<unknown> {
    const url = new URL(path, withTrailingSlash(options.baseUrl));
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    url.searchParams.set('appid', options.apiKey);
    const reply = await requestUpstream({ service: SERVICE, url, timeoutMs: options.timeoutMs, signal, fetch: options.fetch });
    const body = parseJson(reply.text);
    if (reply.status !== 200) throw openWeatherFailure(reply.status, body, city, reply.headers, options.apiKey);
    return body;
  }

  return {
    name: 'openweather',

    async current(city, units, signal) {
      const body = await get('data/2.5/weather', { q: city, units }, city, signal);
      const data = parseShape(currentSchema, body);
      const condition = data.weather[0];
      const current: CurrentWeather = {
        provider: 'openweather',
        location: {
          name: data.name,
          country: data.sys?.country,
          latitude: data.coord?.lat,
          longitude: data.coord?.lon,
        },
        units,
        unitLabels: unitLabels(units),
        observedAt: data.dt === undefined ? undefined : new Date(data.dt * 1000).toISOString(),
        temperature: data.main.temp,
        feelsLike: data.main.feels_like,
        humidity: data.main.humidity,
        pressure: data.main.pressure,
        windSpeed: data.wind?.speed ?? 0,
        windDirection: data.wind?.deg,
        cloudCover: data.clouds?.all,
        visibility: data.visibility,
        conditions: condition?.description ?? 'unknown',
      };
      return current;
    },

    async forecast(city, days, units, signal) {
      const body = await get('data/2.5/forecast', { q: city, units }, city, signal);
      const data = parseShape(forecastSchema, body);
      const steps: ForecastStep[] = data.list.map((entry) => ({
        localDate: new Date((entry.dt + data.city.timezone) * 1000).toISOString().slice(0, 10),
        temperatureMin: entry.main.temp_min,
        temperatureMax: entry.main.temp_max,
        conditions: entry.weather[0]?.description ?? 'unknown',
        daytime: entry.sys?.pod !== 'n',
        precipitationChance: entry.pop === undefined ? undefined : entry.pop * 100,
        precipitation: (entry.rain?.['3h'] ?? 0) + (entry.snow?.['3h'] ?? 0),
      }));
      const allDays = aggregateDays(steps);
      const forecast: Forecast = {
        provider: 'openweather',
        location: {
          name: data.city.name,
          country: data.city.country,
          latitude: data.city.coord?.lat,
          longitude: data.city.coord?.lon,
        },
        units,
        unitLabels: unitLabels(units),
        requestedDays: days,
        days: allDays.slice(0, days),
      };
      if (allDays.length < days) {
        forecast.note = `OpenWeather returned ${allDays.length} day(s) of forecast; fewer than the ${days} requested.`;
      }
      return forecast;
    },
  };
}

function withTrailingSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

function parseShape<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new WeatherError(
      `${SERVICE} answered with an unexpected response shape (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message ?? 'invalid'}); retry later.`,
      'upstream_invalid_response',
    );
  }
  return parsed.data;
}

/** Maps OpenWeather's error statuses to messages that say what to do; the key is redacted from any upstream text. */
export function openWeatherFailure(
  status: number,
  body: unknown,
  city: string,
  headers: Headers,
  apiKey: string,
): WeatherError {
  const upstreamMessage = redact(extractMessage(body), apiKey);
  if (status === 404) {
    return new WeatherError(
      `City "${city}" was not found by OpenWeather. Check the spelling, or qualify it with a country code, e.g. "Paris,FR" or "Portland,US".`,
      'not_found',
    );
  }
  if (status === 401 || status === 403) {
    return new WeatherError(
      `OpenWeather rejected the API key (HTTP ${status}). Check the OPENWEATHER_API_KEY secret: the key may be wrong, revoked, or not yet activated (new keys can take up to 2 hours).`,
      'upstream_auth',
    );
  }
  if (status === 429) {
    const retryAfter = headers.get('retry-after');
    const when = retryAfter ? ` Retry after ${retryAfter} s.` : ' Retry in a minute.';
    return new WeatherError(
      `OpenWeather's request quota for this API key is exhausted (HTTP 429).${when} Lower the call rate, enable the result cache (CACHE_TTL_SECONDS), or upgrade the OpenWeather plan.`,
      'upstream_rate_limited',
    );
  }
  if (status >= 500) {
    return new WeatherError(
      `OpenWeather is unavailable (HTTP ${status}). This is on OpenWeather's side; retry in a few minutes.`,
      'upstream_unavailable',
    );
  }
  const detail = upstreamMessage ? `: ${upstreamMessage}` : '';
  return new WeatherError(
    `OpenWeather refused the request for "${city}" (HTTP ${status}${detail}). Check the city name.`,
    'invalid_request',
  );
}

function extractMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') {
    return body.message.slice(0, 200);
  }
  return '';
}

function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text;
}
