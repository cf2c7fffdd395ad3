// The weather tools called directly (schema parse + handler, fake context) over a fake provider:
// argument handling, default units, and domain errors becoming ToolErrors with their codes.
import assert from 'node:assert/strict';
import { ToolError, type ToolContext } from '../../kit/tool.ts';
import { WeatherError } from '../lib/errors.ts';
import type { CurrentWeather, Forecast, WeatherProvider } from '../lib/types.ts';
import { unitLabels, type Units } from '../lib/units.ts';
import { createGetCurrentWeatherTool } from '../tools/get_current_weather.ts';
import { createGetWeatherForecastTool } from '../tools/get_weather_forecast.ts';

const context: ToolContext = { signal: new AbortController().signal, requestId: 'test' };

function fakeProvider(calls: unknown[]): WeatherProvider {
  return {
    name: 'openweather',
    async current(city, units) {
      calls.push(['current', city, units]);
      if (city === 'Atlantis') throw new WeatherError('City "Atlantis" was not found', 'not_found');
      if (city === 'Bug') throw new TypeError('boom');
      const current: CurrentWeather = {
        provider: 'openweather',
        location: { name: city },
        units,
        unitLabels: unitLabels(units),
        temperature: 1,
        feelsLike: 0,
        humidity: 50,
        pressure: 1000,
        windSpeed: 2,
        conditions: 'clear sky',
      };
      return current;
    },
    async forecast(city, days, units: Units) {
      calls.push(['forecast', city, days, units]);
      const forecast: Forecast = { provider: 'openweather', location: { name: city }, units, unitLabels: unitLabels(units), requestedDays: days, days: [] };
      return forecast;
    },
  };
}

describe('weather tools', () => {
  it('trim the city, apply default units and days, and validate output', async () => {
    const calls: unknown[] = [];
    const current = createGetCurrentWeatherTool({ provider: fakeProvider(calls), defaultUnits: 'imperial' });
    const forecast = createGetWeatherForecastTool({ provider: fakeProvider(calls), defaultUnits: 'metric' });
    const result = await current.handler(current.inputSchema.parse({ city: '  Oslo ' }), context);
    current.outputSchema.parse(result);
    await forecast.handler(forecast.inputSchema.parse({ city: 'Oslo', units: 'standard' }), context);
    assert.deepEqual(calls, [
      ['current', 'Oslo', 'imperial'],
      ['forecast', 'Oslo', 5, 'standard'],
    ]);
  });

  it('reject bad arguments in the schema', () => {
    const forecast = createGetWeatherForecastTool({ provider: fakeProvider([]), defaultUnits: 'metric' });
    assert.throws(() => forecast.inputSchema.parse({ city: 'Oslo', days: 0 }), /days must be at least 1/);
    assert.throws(() => forecast.inputSchema.parse({ city: 'Oslo', days: 2.5 }), /days must be a whole number/);
    assert.throws(() => forecast.inputSchema.parse({ city: 'Os\nlo' }), /control characters/);
  });

  it('turn domain errors into ToolErrors and leave bugs alone', async () => {
    const current = createGetCurrentWeatherTool({ provider: fakeProvider([]), defaultUnits: 'metric' });
    await assert.rejects(current.handler({ city: 'Atlantis', units: undefined }, context), (error: unknown) => {
      assert.ok(error instanceof ToolError);
      assert.equal(error.code, 'not_found');
      return true;
    });
    await assert.rejects(current.handler({ city: 'Bug', units: undefined }, context), (error: unknown) => error instanceof TypeError);
  });
});
