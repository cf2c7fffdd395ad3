// Opens the weather server from the environment for the catalog registry (servers/catalog.ts):
// parses its settings and says which upstream it will use. The API key is never logged.
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { parseWeatherConfig } from './config.ts';
import { createServer } from './server.ts';

export async function openWeatherServer(env: Record<string, string | undefined>, context: { logger: Logger }): Promise<CatalogServer> {
  const config = parseWeatherConfig(env);
  context.logger.info('weather upstream selected', {
    upstream: config.openWeatherApiKey ? 'openweather' : 'wttr.in',
    baseUrl: config.openWeatherApiKey ? config.openWeatherBaseUrl : config.wttrBaseUrl,
    units: config.units,
    httpTimeoutMs: config.httpTimeoutMs,
  });
  return createServer({ config });
}
