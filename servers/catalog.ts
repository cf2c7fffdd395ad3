// The catalog: catalog names mapped to lazy openers, so `mcpfleet-server <name>` loads only the
// server it runs (and its dependencies). An opener parses its own settings from the environment,
// opens its connections and returns the server definition.
import type { Logger } from './kit/logger.ts';
import type { CatalogServer } from './kit/tool.ts';

export interface OpenContext {
  logger: Logger;
  /** HTTP_TIMEOUT in milliseconds, for upstream calls and connection attempts. */
  httpTimeoutMs: number;
}

export type CatalogOpener = (env: Record<string, string | undefined>, context: OpenContext) => Promise<CatalogServer>;

export const CATALOG: Readonly<Record<string, () => Promise<CatalogOpener>>> = {
  weather: async () => (await import('./weather/open.ts')).openWeatherServer,
  database: async () => (await import('./database/open.ts')).openDatabaseServer,
  filesystem: async () => (await import('./filesystem/open.ts')).openFilesystemServer,
  utility: async () => (await import('./utility/open.ts')).openUtilityServer,
  aws: async () => (await import('./aws/open.ts')).openAwsServer,
  's3-summarizer': async () => (await import('./s3-summarizer/open.ts')).openS3SummarizerServer,
  tickets: async () => (await import('./tickets/open.ts')).openTicketsServer,
  'stdio-bridge': async () => (await import('./stdio-bridge/open.ts')).openStdioBridgeServer,
};

export function catalogNames(): string[] {
  return Object.keys(CATALOG).sort();
}

export async function loadOpener(name: string): Promise<CatalogOpener | undefined> {
  const load = Object.hasOwn(CATALOG, name) ? CATALOG[name] : undefined;
  return load === undefined ? undefined : load();
}
