// The weather lib against the local upstream stub over real HTTP (global fetch): mapping of both
// upstreams' shapes, unit handling, daily aggregation and every error path.
import assert from 'node:assert/strict';
import { aggregateDays, prevailingConditions } from '../lib/aggregate.ts';
import { WeatherError } from '../lib/errors.ts';
import { createOpenWeatherProvider } from '../lib/openweather.ts';
import { createWeatherProvider } from '../lib/provider.ts';
import type { FetchLike } from '../lib/types.ts';
import { fromCelsius, fromKmph } from '../lib/units.ts';
import { createWttrProvider } from '../lib/wttr.ts';
import { startUpstreamStub, type UpstreamStub } from './upstream-stub.ts';

const KEY = 'ow-test-key-0123456789abcdef';
const realFetch: FetchLike = (input, init) => fetch(input, init);

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<WeatherError> {
  const error = await promise.then(
    () => assert.fail('expected a WeatherError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WeatherError, `expected WeatherError, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.match(error.message, pattern);
  assert.ok(!error.message.includes(KEY), 'the API key must never appear in a message');
  return error;
}

describe('weather lib', function () {
  this.timeout(20000);
  let stub: UpstreamStub;
  const signal = new AbortController().signal;

  before(async () => {
    stub = await startUpstreamStub({ validKey: KEY, slowMs: 5000 });
  });
  after(async () => {
    await stub.close();
  });

  describe('units', () => {
    it('converts Celsius and km/h into each system', () => {
      assert.equal(fromCelsius(10, 'metric'), 10);
      assert.equal(fromCelsius(10, 'imperial'), 50);
      assert.equal(fromCelsius(10, 'standard'), 283.15);
      assert.equal(fromKmph(36, 'metric'), 10);
      assert.equal(fromKmph(16.09344, 'imperial'), 10);
    });
  });

  describe('aggregateDays', () => {
    it('groups by local date, takes extremes, and prefers daytime conditions', () => {
      const days = aggregateDays([
        { localDate: '2025-01-01', temperatureMin: 3, temperatureMax: 5, conditions: 'rain', daytime: false, precipitationChance: 90, precipitation: 2 },
        { localDate: '2025-01-01', temperatureMin: 4, temperatureMax: 9, conditions: 'sun', daytime: true, precipitationChance: 10, precipitation: 0 },
        { localDate: '2025-01-02', temperatureMin: 1, temperatureMax: 2, conditions: 'snow', daytime: false },
      ]);
      assert.deepEqual(days, [
        { date: '2025-01-01', temperatureMin: 3, temperatureMax: 9, conditions: 'sun', precipitationChance: 90, precipitation: 2 },
        { date: '2025-01-02', temperatureMin: 1, temperatureMax: 2, conditions: 'snow' },
      ]);
    });

    it('breaks ties in prevailing conditions by first occurrence', () => {
      const step = { localDate: 'd', temperatureMin: 0, temperatureMax: 0, daytime: true };
      assert.equal(prevailingConditions([{ ...step, conditions: 'a' }, { ...step, conditions: 'b' }]), 'a');
      assert.equal(
        prevailingConditions([{ ...step, conditions: 'a' }, { ...step, conditions: 'b' }, { ...step, conditions: 'b' }]),
        'b',
      );
    });
  });

  describe('OpenWeather', () => {
    const provider = () =>
      createOpenWeatherProvider({ apiKey: KEY, baseUrl: stub.baseUrl, timeoutMs: 2000, fetch: realFetch });

    it('maps current weather and sends city, units and key', async () => {
      const current = await provider().current('London', 'metric', signal);
      assert.equal(current.provider, 'openweather');
      assert.deepEqual(current.location, { name: 'London', country: 'GB', latitude: 51.5085, longitude: -0.1257 });
      assert.equal(current.temperature, 12.5);
      assert.equal(current.feelsLike, 11.8);
      assert.equal(current.humidity, 76);
      assert.equal(current.pressure, 1014);
      assert.equal(current.windSpeed, 4.12);
      assert.equal(current.windDirection, 250);
      assert.equal(current.visibility, 10000);
      assert.equal(current.conditions, 'broken clouds');
      assert.equal(current.observedAt, '2025-01-06T12:00:00.000Z');
      assert.deepEqual(current.unitLabels, { temperature: '°C', windSpeed: 'm/s' });
      const sent = new URL(stub.requests.at(-1) ?? '', 'http://x');
      assert.equal(sent.pathname, '/data/2.5/weather');
      assert.equal(sent.searchParams.get('q'), 'London');
      assert.equal(sent.searchParams.get('units'), 'metric');
      assert.equal(sent.searchParams.get('appid'), KEY);
    });

    it('passes imperial units through to OpenWeather', async () => {
      const current = await provider().current('London', 'imperial', signal);
      assert.equal(current.temperature, 54.5);
      assert.deepEqual(current.unitLabels, { temperature: '°F', windSpeed: 'mph' });
    });

    it('aggregates the 3-hourly list into local days', async () => {
      const forecast = await provider().forecast('London', 5, 'metric', signal);
      assert.equal(forecast.days.length, 5);
      assert.deepEqual(
        forecast.days.map((d) => [d.date, d.temperatureMin, d.temperatureMax, d.conditions]),
        [
          ['2025-01-06', 5, 10, 'clear sky'],
          ['2025-01-07', 6, 11, 'light rain'],
          ['2025-01-08', 7, 12, 'clear sky'],
          ['2025-01-09', 8, 13, 'clear sky'],
          ['2025-01-10', 9, 14, 'clear sky'],
        ],
      );
      assert.equal(forecast.days[1]?.precipitationChance, 60);
      assert.equal(forecast.days[1]?.precipitation, 5);
      assert.equal(forecast.note, undefined);
      const short = await provider().forecast('London', 2, 'metric', signal);
      assert.deepEqual(short.days.map((d) => d.date), ['2025-01-06', '2025-01-07']);
    });

    it('reports an unknown city (404) with a hint', async () => {
      await rejectsWith(provider().current('Atlantis', 'metric', signal), 'not_found', /City "Atlantis" was not found.*country code/);
    });

    it('reports a rejected key (401) without the key', async () => {
      const wrong = createOpenWeatherProvider({ apiKey: 'wrong-key', baseUrl: stub.baseUrl, timeoutMs: 2000, fetch: realFetch });
      const error = await rejectsWith(wrong.current('London', 'metric', signal), 'upstream_auth', /OPENWEATHER_API_KEY/);
      assert.ok(!error.message.includes('wrong-key'));
    });

    it('reports quota exhaustion (429) with Retry-After', async () => {
      await rejectsWith(provider().forecast('Quotaville', 5, 'metric', signal), 'upstream_rate_limited', /429.*Retry after 60 s/);
    });

    it('reports upstream 5xx as unavailable', async () => {
      await rejectsWith(provider().current('Brokenburg', 'metric', signal), 'upstream_unavailable', /HTTP 502/);
    });

    it('times out after the configured deadline and says which setting to raise', async () => {
      const slow = createOpenWeatherProvider({ apiKey: KEY, baseUrl: stub.baseUrl, timeoutMs: 200, fetch: realFetch });
      await rejectsWith(slow.current('Slowtown', 'metric', signal), 'upstream_timeout', /within 0\.2 s \(HTTP_TIMEOUT\)/);
    });

    it('stops when the tool call is cancelled', async () => {
      const controller = new AbortController();
      const pending = provider().current('Slowtown', 'metric', controller.signal);
      controller.abort();
      await rejectsWith(pending, 'cancelled', /cancelled/);
    });

    it('reports an unreachable upstream without the URL query', async () => {
      const closed = await startUpstreamStub({ validKey: KEY });
      const baseUrl = closed.baseUrl;
      await closed.close();
      const dead = createOpenWeatherProvider({ apiKey: KEY, baseUrl, timeoutMs: 2000, fetch: realFetch });
      await rejectsWith(dead.current('London', 'metric', signal), 'upstream_unreachable', /Could not reach OpenWeather at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    });

    it('rejects a malformed 200 response', async () => {
      const garbage: FetchLike = async () => new Response(JSON.stringify({ cod: 200, name: 'X' }), { status: 200 });
      const odd = createOpenWeatherProvider({ apiKey: KEY, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000, fetch: garbage });
      await rejectsWith(odd.current('X', 'metric', signal), 'upstream_invalid_response', /unexpected response shape/);
    });

    it('redacts the key if an upstream message echoes it', async () => {
      const echo: FetchLike = async () => new Response(JSON.stringify({ cod: '400', message: `bad appid ${KEY}` }), { status: 400 });
      const odd = createOpenWeatherProvider({ apiKey: KEY, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000, fetch: echo });
      await rejectsWith(odd.current('X', 'metric', signal), 'invalid_request', /bad appid \*\*\*/);
    });
  });

  describe('wttr.in', () => {
    const provider = () => createWttrProvider({ baseUrl: stub.baseUrl, timeoutMs: 2000, fetch: realFetch });

    it('maps j1 current conditions in metric', async () => {
      const current = await provider().current('London', 'metric', signal);
      assert.equal(current.provider, 'wttr.in');
      assert.deepEqual(current.location, { name: 'London', country: 'United Kingdom', latitude: 51.517, longitude: -0.106 });
      assert.equal(current.temperature, 11);
      assert.equal(current.feelsLike, 9);
      assert.equal(current.windSpeed, 5);
      assert.equal(current.windDirection, 247);
      assert.equal(current.visibility, 10000);
      assert.equal(current.conditions, 'Partly cloudy');
      assert.equal(stub.requests.at(-1), '/London?format=j1');
    });

    it('converts to imperial and standard', async () => {
      const imperial = await provider().current('London', 'imperial', signal);
      assert.equal(imperial.temperature, 51.8);
      assert.equal(imperial.windSpeed, 11.2);
      const standard = await provider().current('London', 'standard', signal);
      assert.equal(standard.temperature, 284.15);
    });

    it('encodes the city into the path', async () => {
      await provider().current('New York', 'metric', signal);
      assert.equal(stub.requests.at(-1), '/New%20York?format=j1');
    });

    it('summarises up to 3 days and notes the shortfall', async () => {
      const forecast = await provider().forecast('London', 5, 'metric', signal);
      assert.deepEqual(
        forecast.days.map((d) => [d.date, d.temperatureMin, d.temperatureMax, d.conditions, d.precipitationChance]),
        [
          ['2025-01-06', 3, 11, 'Sunny', 0],
          ['2025-01-07', 4, 12, 'Patchy rain nearby', 70],
          ['2025-01-08', 5, 13, 'Sunny', 0],
        ],
      );
      assert.match(forecast.note ?? '', /wttr.in forecasts 3 day\(s\); 5 were requested/);
      const one = await provider().forecast('London', 1, 'metric', signal);
      assert.equal(one.days.length, 1);
      assert.equal(one.note, undefined);
    });

    it('reports unknown locations, whether plain-text 200 or 404', async () => {
      await rejectsWith(provider().current('Atlantis', 'metric', signal), 'not_found', /"Atlantis" was not found by wttr.in/);
      await rejectsWith(provider().current('Nowhere Land', 'metric', signal), 'not_found', /"Nowhere Land" was not found/);
    });

    it('reports 429, 5xx and timeouts', async () => {
      await rejectsWith(provider().current('Quotaville', 'metric', signal), 'upstream_rate_limited', /HTTP 429/);
      await rejectsWith(provider().current('Brokenburg', 'metric', signal), 'upstream_unavailable', /HTTP 503/);
      const slow = createWttrProvider({ baseUrl: stub.baseUrl, timeoutMs: 200, fetch: realFetch });
      await rejectsWith(slow.forecast('Slowtown', 3, 'metric', signal), 'upstream_timeout', /HTTP_TIMEOUT/);
    });
  });

  it('chooses OpenWeather only when a key is configured', () => {
    const settings = { openWeatherBaseUrl: stub.baseUrl, wttrBaseUrl: stub.baseUrl, httpTimeoutMs: 1000 };
    assert.equal(createWeatherProvider({ ...settings, openWeatherApiKey: KEY }, realFetch).name, 'openweather');
    assert.equal(createWeatherProvider({ ...settings, openWeatherApiKey: undefined }, realFetch).name, 'wttr.in');
  });
});
