import assert from 'node:assert/strict';
import { ConfigError, parseWeatherConfig } from '../config.ts';

describe('weather config', () => {
  it('applies defaults', () => {
    assert.deepEqual(parseWeatherConfig({}), {
      openWeatherApiKey: undefined,
      units: 'metric',
      openWeatherBaseUrl: 'https://api.openweathermap.org',
      wttrBaseUrl: 'https://wttr.in',
      httpTimeoutMs: 5000,
    });
  });

  it('reads every variable and treats empty strings as unset', () => {
    const config = parseWeatherConfig({
      OPENWEATHER_API_KEY: ' k1 ',
      WEATHER_UNITS: 'imperial',
      OPENWEATHER_BASE_URL: 'http://127.0.0.1:9/',
      WTTR_BASE_URL: '',
      HTTP_TIMEOUT: '0.5',
    });
    assert.equal(config.openWeatherApiKey, 'k1');
    assert.equal(config.units, 'imperial');
    assert.equal(config.openWeatherBaseUrl, 'http://127.0.0.1:9/');
    assert.equal(config.wttrBaseUrl, 'https://wttr.in');
    assert.equal(config.httpTimeoutMs, 500);
    assert.equal(parseWeatherConfig({ OPENWEATHER_API_KEY: '' }).openWeatherApiKey, undefined);
  });

  it('lists every bad variable in one error', () => {
    assert.throws(
      () => parseWeatherConfig({ WEATHER_UNITS: 'kelvin', HTTP_TIMEOUT: 'soon', WTTR_BASE_URL: 'ftp://x' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /WEATHER_UNITS: must be one of metric, imperial, standard/.test(error.message) &&
        /HTTP_TIMEOUT: must be a number of seconds/.test(error.message) &&
        /WTTR_BASE_URL: must be an http\(s\) URL/.test(error.message),
    );
    assert.throws(() => parseWeatherConfig({ HTTP_TIMEOUT: '0' }), /HTTP_TIMEOUT: must be greater than 0/);
  });

  it('never echoes the API key in errors', () => {
    assert.throws(
      () => parseWeatherConfig({ OPENWEATHER_API_KEY: 'secret-123', WEATHER_UNITS: 'x' }),
      (error: unknown) => error instanceof Error && !error.message.includes('secret-123'),
    );
  });
});
