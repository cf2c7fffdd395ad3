// The weather server on the real kit over HTTP, called by the real MCP client in both protocol
// revisions, against the local OpenWeather / wttr.in stub: every tool's success and error paths.
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, resultText, startTestServer, TEST_PROTOCOLS, type TestServer } from '../../kit/testing.ts';
import { parseWeatherConfig } from '../config.ts';
import { createServer } from '../server.ts';
import { startUpstreamStub, type UpstreamStub } from './upstream-stub.ts';

const KEY = 'ow-http-test-key-5f1d2c';

interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

describe('weather server over MCP HTTP', function () {
  this.timeout(60000);
  let stub: UpstreamStub;
  let withKey: TestServer;
  let keyless: TestServer;
  let badKey: TestServer;

  before(async () => {
    stub = await startUpstreamStub({ validKey: KEY, slowMs: 5000 });
    const env = { OPENWEATHER_BASE_URL: stub.baseUrl, WTTR_BASE_URL: stub.baseUrl, HTTP_TIMEOUT: '0.3' };
    withKey = await startTestServer(createServer({ config: parseWeatherConfig({ ...env, OPENWEATHER_API_KEY: KEY }) }));
    keyless = await startTestServer(createServer({ config: parseWeatherConfig({ ...env, WEATHER_UNITS: 'imperial' }) }));
    badKey = await startTestServer(createServer({ config: parseWeatherConfig({ ...env, OPENWEATHER_API_KEY: 'revoked-key-000' }) }));
  });
  after(async () => {
    await Promise.all([withKey?.close(), keyless?.close(), badKey?.close()]);
    await stub?.close();
  });

  for (const protocol of TEST_PROTOCOLS) {
    describe(`${protocol} protocol`, () => {
      const clients: Client[] = [];
      const connect = async (server: TestServer) => {
        const client = await connectClient(server.url, { protocol });
        clients.push(client);
        return client;
      };
      afterEach(async () => {
        await Promise.all(clients.splice(0).map((c) => c.close()));
      });

      const call = async (server: TestServer, name: string, args: Record<string, unknown>): Promise<ToolResult> =>
        (await (await connect(server)).callTool({ name, arguments: args })) as ToolResult;

      const expectToolError = async (server: TestServer, name: string, args: Record<string, unknown>, pattern: RegExp) => {
        const result = await call(server, name, args);
        assert.equal(result.isError, true, `expected a tool error, got ${JSON.stringify(result)}`);
        const text = resultText(result);
        assert.match(text, pattern);
        assert.ok(!text.includes(KEY) && !text.includes('revoked-key-000'), 'no API key in messages');
      };

      it('lists both tools with schemas and annotations', async () => {
        const { tools } = await (await connect(withKey)).listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), ['get_current_weather', 'get_weather_forecast']);
        for (const tool of tools) {
          assert.ok(tool.title && tool.description && tool.outputSchema);
          assert.equal(tool.annotations?.readOnlyHint, true);
          assert.equal(tool.annotations?.openWorldHint, true);
          assert.deepEqual(tool.inputSchema.required, ['city']);
        }
      });

      it('get_current_weather via OpenWeather', async () => {
        const result = await call(withKey, 'get_current_weather', { city: 'London', units: 'metric' });
        assert.equal(result.isError, undefined);
        const weather = result.structuredContent ?? {};
        assert.equal(weather.provider, 'openweather');
        assert.equal(weather.temperature, 12.5);
        assert.equal(weather.conditions, 'broken clouds');
        assert.deepEqual(JSON.parse(resultText(result)), weather);
      });

      it('get_weather_forecast via OpenWeather, days bounded', async () => {
        const result = await call(withKey, 'get_weather_forecast', { city: 'London', days: 3 });
        const forecast = result.structuredContent ?? {};
        assert.deepEqual(
          (forecast.days as { date: string; temperatureMin: number; temperatureMax: number }[]).map((d) => [d.date, d.temperatureMin, d.temperatureMax]),
          [
            ['2025-01-06', 5, 10],
            ['2025-01-07', 6, 11],
            ['2025-01-08', 7, 12],
          ],
        );
        const tooMany = await call(withKey, 'get_weather_forecast', { city: 'London', days: 6 });
        assert.equal(tooMany.isError, true);
        assert.match(resultText(tooMany), /days must be at most 5/);
      });

      it('falls back to wttr.in without a key, in the configured units', async () => {
        const current = await call(keyless, 'get_current_weather', { city: 'Tokyo' });
        assert.equal(current.structuredContent?.provider, 'wttr.in');
        assert.equal(current.structuredContent?.units, 'imperial');
        assert.equal(current.structuredContent?.temperature, 51.8);
        const forecast = await call(keyless, 'get_weather_forecast', { city: 'Tokyo' });
        assert.equal((forecast.structuredContent?.days as unknown[]).length, 3);
        assert.match(String(forecast.structuredContent?.note), /wttr.in forecasts 3 day/);
      });

      it('reports an unknown city', async () => {
        await expectToolError(withKey, 'get_current_weather', { city: 'Atlantis' }, /City "Atlantis" was not found by OpenWeather/);
        await expectToolError(keyless, 'get_weather_forecast', { city: 'Atlantis' }, /City "Atlantis" was not found by wttr.in/);
      });

      it('reports a bad key without revealing it', async () => {
        await expectToolError(badKey, 'get_current_weather', { city: 'London' }, /OpenWeather rejected the API key \(HTTP 401\).*OPENWEATHER_API_KEY/);
      });

      it('reports quota exhaustion and upstream failures', async () => {
        await expectToolError(withKey, 'get_weather_forecast', { city: 'Quotaville' }, /quota .* exhausted \(HTTP 429\)/);
        await expectToolError(withKey, 'get_current_weather', { city: 'Brokenburg' }, /OpenWeather is unavailable \(HTTP 502\)/);
        await expectToolError(keyless, 'get_current_weather', { city: 'Brokenburg' }, /wttr.in is unavailable \(HTTP 503\)/);
      });

      it('times out a slow upstream after HTTP_TIMEOUT', async () => {
        await expectToolError(withKey, 'get_current_weather', { city: 'Slowtown' }, /did not answer within 0\.3 s \(HTTP_TIMEOUT\)/);
        await expectToolError(keyless, 'get_weather_forecast', { city: 'Slowtown' }, /wttr.in did not answer within 0\.3 s/);
      });

      it('rejects invalid arguments with a clear message', async () => {
        const empty = await call(withKey, 'get_current_weather', { city: '   ' });
        assert.equal(empty.isError, true);
        assert.match(resultText(empty), /city must not be empty/);
        const units = await call(withKey, 'get_current_weather', { city: 'London', units: 'kelvin' });
        assert.equal(units.isError, true);
      });
    });
  }
});
