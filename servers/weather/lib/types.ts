// The provider-neutral shapes both upstreams are mapped into; the tools' output schemas mirror them.
import type { UnitLabels, Units } from './units.ts';

export type ProviderName = 'openweather' | 'wttr.in';

export interface Location {
  name: string;
  country?: string;
  latitude?: number;
  longitude?: number;
}

export interface CurrentWeather {
  provider: ProviderName;
  location: Location;
  units: Units;
  unitLabels: UnitLabels;
  /** ISO 8601 time of the observation, when the upstream reports it in absolute form. */
  observedAt?: string;
  temperature: number;
  feelsLike: number;
  /** Relative humidity in percent. */
  humidity: number;
  /** Sea-level pressure in hPa. */
  pressure: number;
  windSpeed: number;
  /** Meteorological degrees (where the wind comes from). */
  windDirection?: number;
  /** Cloud cover in percent. */
  cloudCover?: number;
  /** Visibility in metres. */
  visibility?: number;
  conditions: string;
}

export interface ForecastDay {
  /** Local calendar date at the location, YYYY-MM-DD. */
  date: string;
  temperatureMin: number;
  temperatureMax: number;
  conditions: string;
  /** Highest chance of precipitation during the day, percent. */
  precipitationChance?: number;
  /** Total precipitation (rain + snow water equivalent) in mm. */
  precipitation?: number;
}

export interface Forecast {
  provider: ProviderName;
  location: Location;
  units: Units;
  unitLabels: UnitLabels;
  requestedDays: number;
  days: ForecastDay[];
  /** Set when the upstream covers fewer days than requested. */
  note?: string;
}

export interface WeatherProvider {
  readonly name: ProviderName;
  current(city: string, units: Units, signal: AbortSignal): Promise<CurrentWeather>;
  forecast(city: string, days: number, units: Units, signal: AbortSignal): Promise<Forecast>;
}

export type FetchLike = (input: URL, init: RequestInit) => Promise<Response>;
