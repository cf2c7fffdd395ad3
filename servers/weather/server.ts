// The weather catalog server: current conditions and a daily forecast from OpenWeather (with an
// API key) or wttr.in (without). createServer has no side effects; the upstream is reached only
// when a tool is called.
import type { CatalogServer } from '../kit/tool.ts';
import type { WeatherConfig } from './config.ts';
import { createWeatherProvider } from './lib/provider.ts';
import type { FetchLike } from './lib/types.ts';
import { createGetCurrentWeatherTool } from './tools/get_current_weather.ts';
import { createGetWeatherForecastTool } from './tools/get_weather_forecast.ts';

export interface WeatherServerDeps {
  config: WeatherConfig;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: FetchLike;
}

export function createServer(deps: WeatherServerDeps): CatalogServer {
  const fetchImpl: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const provider = createWeatherProvider(deps.config, fetchImpl);
  const toolDeps = { provider, defaultUnits: deps.config.units };
  const upstream = provider.name === 'openweather' ? 'OpenWeather' : 'wttr.in (no OPENWEATHER_API_KEY set)';
  return {
    name: 'weather',
    version: '0.1.0',
    instructions: `Weather for cities worldwide from ${upstream}. Units default to ${deps.config.units}; pass "units" to override per call.`,
    tools: [createGetCurrentWeatherTool(toolDeps), createGetWeatherForecastTool(toolDeps)],
  };
}

