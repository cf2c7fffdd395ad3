// Opens the database server from the environment for the catalog registry (servers/catalog.ts).
// The database itself opens in the query process on first use; /readyz reports whether it can.
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { parseDatabaseConfig } from './config.ts';
import { createServer } from './server.ts';

export async function openDatabaseServer(env: Record<string, string | undefined>, context: { logger: Logger }): Promise<CatalogServer> {
  const config = parseDatabaseConfig(env);
  context.logger.info('database selected', {
    database: config.databasePath ?? 'built-in sample',
    maxRows: config.maxRows,
    maxResultBytes: config.maxResultBytes,
  });
  return createServer({ config });
}
