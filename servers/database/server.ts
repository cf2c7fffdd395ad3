// The database catalog server: read-only SQL over a mounted SQLite file (DATABASE_PATH) or the
// built-in sample with users and projects. createServer has no side effects: the query process
// and the database open on the first call (or readiness check).
import type { CatalogServer } from '../kit/tool.ts';
import type { DatabaseConfig } from './config.ts';
import { QueryHost } from './lib/queryHost.ts';
import { createDescribeTableTool } from './tools/describe_table.ts';
import { createListTablesTool } from './tools/list_tables.ts';
import { createQueryTool } from './tools/query.ts';
import type { RunOperation } from './tools/runner.ts';

export interface DatabaseServerDeps {
  config: DatabaseConfig;
}

export function createServer(deps: DatabaseServerDeps): CatalogServer {
  const { config } = deps;
  const host = new QueryHost({
    source: config.databasePath ? { kind: 'file', path: config.databasePath } : { kind: 'sample' },
    caps: { maxRows: config.maxRows, maxResultBytes: config.maxResultBytes },
    deadlineMs: config.queryDeadlineMs,
    maxProcesses: config.queryProcesses,
    maxProcessBytes: config.maxQueryMemoryBytes,
  });
  const run: RunOperation = (operation, signal) => host.run(operation, signal);
  const which = config.databasePath ? `the SQLite database mounted at ${config.databasePath}` : 'the built-in sample database (tables users and projects)';
  return {
    name: 'database',
    version: '0.1.0',
    instructions: `Read-only SQL over ${which}. Call list_tables, then describe_table, then query with bound parameters. Results are capped at ${config.maxRows} rows.`,
    tools: [createListTablesTool(run), createDescribeTableTool(run), createQueryTool(run, { maxRows: config.maxRows })],
    async checkReady() {
      await host.run({ op: 'ping' }, AbortSignal.timeout(10_000));
    },
    close: () => host.close(),
  };
}

