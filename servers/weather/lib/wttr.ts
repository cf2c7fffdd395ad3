// wttr.in's keyless JSON API (`/<city>?format=j1`): the fallback when no OpenWeather key is set.
// Its numbers arrive as strings, metric and imperial side by side; it forecasts 3 days.
import { z } from 'zod';
import { aggregateDays, type ForecastStep } from './aggregate.ts';
import { WeatherError } from './errors.ts';
import { parseJson, requestUpstream } from './http.ts';
import type { CurrentWeather, FetchLike, Forecast, Location, WeatherProvider } from './types.ts';
import { fromCelsius, fromKmph, unitLabels, type Units } from './units.ts';

export interface WttrOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch: FetchLike;
}

const SERVICE = 'wttr.in';

const numeric = z
  .union([z.string(), z.number()])
  .transform((value) => Number(value))
  .refine((value) => Number.isFinite(value), 'not a number');
const texts = z.array(z.object({ value: z.string() }));

const areaSchema = z.object({
  areaName: texts.optional(),
  country: texts.optional(),
  latitude: numeric.optional(),
  longitude: numeric.optional(),
});

const currentConditionSchema = z.object({
  temp_C: numeric,
  FeelsLikeC: numeric,
  humidity: numeric,
  pressure: numeric,
  windspeedKmph: numeric,
  winddirDegree: numeric.optional(),
  cloudcover: numeric.optional(),
  /** Kilometres. */
  visibility: numeric.optional(),
  weatherDesc: texts,
});

const daySchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  mintempC: numeric,
  maxtempC: numeric,
  hourly: z
    .array(
      z.object({
        /** "0", "300", ... "2100": local clock time as hhmm without padding. */
        time: numeric,
        weatherDesc: texts,
        chanceofrain: numeric.optional(),
        chanceofsnow: numeric.optional(),
        precipMM: numeric.optional(),
      }),
    )
    .default([]),
});

const responseSchema = z.object({
  current_condition: z.array(currentConditionSchema).min(1),
  nearest_area: z.array(areaSchema).default([]),
  weather: z.array(daySchema).default([]),
});

type WttrResponse = z.output<typeof responseSchema>;

export function createWttrProvider(options: WttrOptions): WeatherProvider {
  async function fetchReport(city: string, signal: AbortSignal): Promise<WttrResponse> {
    const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    const url = new URL(encodeURIComponent(city), base);
    url.searchParams.set('format', 'j1');
    const reply = await requestUpstream({ service: SERVICE, url, timeoutMs: options.timeoutMs, signal, fetch: options.fetch });
    // wttr.in reports an unknown place either as 404 or as a 200 plain-text "Unknown location; ..." line.
    if (reply.status === 404 || /^\s*unknown location/i.test(reply.text)) {
      throw new WeatherError(
        `City "${city}" was not found by wttr.in. Check the spelling, or add the country, e.g. "Paris, France".`,
        'not_found',
      );
    }
    if (reply.status === 429) {
      throw new WeatherError(
        'wttr.in is rate limiting this server (HTTP 429). Retry in a minute, enable the result cache (CACHE_TTL_SECONDS), or configure an OpenWeather key (OPENWEATHER_API_KEY).',
        'upstream_rate_limited',
      );
    }
    if (reply.status >= 500) {
      throw new WeatherError(
        `wttr.in is unavailable (HTTP ${reply.status}). Retry in a few minutes, or configure an OpenWeather key (OPENWEATHER_API_KEY).`,
        'upstream_unavailable',
      );
    }
    if (reply.status !== 200) {
      throw new WeatherError(`wttr.in refused the request for "${city}" (HTTP ${reply.status}). Check the city name.`, 'invalid_request');
    }
    const parsed = responseSchema.safeParse(parseJson(reply.text));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new WeatherError(
        `wttr.in answered with an unexpected response shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}); retry later.`,
        'upstream_invalid_response',
      );
    }
    return parsed.data;
  }

  return {
    name: 'wttr.in',

    async current(city, units, signal) {
      const report = await fetchReport(city, signal);
      const now = report.current_condition[0];
      if (!now) throw new WeatherError('wttr.in returned no current conditions; retry later.', 'upstream_invalid_response');
      const current: CurrentWeather = {
        provider: 'wttr.in',
        location: locationOf(report, city),
        units,
        unitLabels: unitLabels(units),
        temperature: fromCelsius(now.temp_C, units),
        feelsLike: fromCelsius(now.FeelsLikeC, units),
        humidity: now.humidity,
        pressure: now.pressure,
        windSpeed: fromKmph(now.windspeedKmph, units),
        windDirection: now.winddirDegree,
        cloudCover: now.cloudcover,
        visibility: now.visibility === undefined ? undefined : now.visibility * 1000,
        conditions: firstText(now.weatherDesc),
      };
      return current;
    },

    async forecast(city, days, units, signal) {
      const report = await fetchReport(city, signal);
      const summaries = report.weather.slice(0, days).map((day) => {
        const summary = aggregateDays(hourlySteps(day, units))[0];
        return {
          date: day.date,
          // The daily extremes wttr.in publishes are authoritative; the hourly ones only sample them.
          temperatureMin: fromCelsius(day.mintempC, units),
          temperatureMax: fromCelsius(day.maxtempC, units),
          conditions: summary?.conditions ?? 'unknown',
          precipitationChance: summary?.precipitationChance,
          precipitation: summary?.precipitation,
        };
      });
      const forecast: Forecast = {
        provider: 'wttr.in',
        location: locationOf(report, city),
        units,
        unitLabels: unitLabels(units),
        requestedDays: days,
        days: summaries,
      };
      if (report.weather.length < days) {
        forecast.note = `wttr.in forecasts ${report.weather.length} day(s); ${days} were requested. Configure OPENWEATHER_API_KEY for a 5-day forecast.`;
      }
      return forecast;
    },
  };
}

function hourlySteps(day: z.output<typeof daySchema>, units: Units): ForecastStep[] {
  return day.hourly.map((hour) => ({
    localDate: day.date,
    temperatureMin: fromCelsius(day.mintempC, units),
    temperatureMax: fromCelsius(day.maxtempC, units),
    conditions: firstText(hour.weatherDesc),
    daytime: hour.time >= 600 && hour.time <= 1800,
    precipitationChance:
      hour.chanceofrain === undefined && hour.chanceofsnow === undefined
        ? undefined
        : Math.max(hour.chanceofrain ?? 0, hour.chanceofsnow ?? 0),
    precipitation: hour.precipMM,
  }));
}

function locationOf(report: WttrResponse, city: string): Location {
  const area = report.nearest_area[0];
  return {
    name: (area?.areaName && firstText(area.areaName, '')) || city,
    country: area?.country ? firstText(area.country, '') || undefined : undefined,
    latitude: area?.latitude,
    longitude: area?.longitude,
  };
}

function firstText(values: readonly { value: string }[], fallback = 'unknown'): string {
  return values[0]?.value.trim() || fallback;
}
