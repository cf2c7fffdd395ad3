// Picks the upstream: OpenWeather when an API key is configured, wttr.in otherwise.
import { createOpenWeatherProvider } from './openweather.ts';
import type { FetchLike, WeatherProvider } from './types.ts';
import { createWttrProvider } from './wttr.ts';

export interface ProviderSettings {
  openWeatherApiKey: string | undefined;
  openWeatherBaseUrl: string;
  wttrBaseUrl: string;
  httpTimeoutMs: number;
}

export function createWeatherProvider(settings: ProviderSettings, fetchImpl: FetchLike): WeatherProvider {
  if (settings.openWeatherApiKey) {
    return createOpenWeatherProvider({
      apiKey: settings.openWeatherApiKey,
      baseUrl: settings.openWeatherBaseUrl,
      timeoutMs: settings.httpTimeoutMs,
      fetch: fetchImpl,
    });
  }
  return createWttrProvider({ baseUrl: settings.wttrBaseUrl, timeoutMs: settings.httpTimeoutMs, fetch: fetchImpl });
}
