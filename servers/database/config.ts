// Database settings from the environment the operator renders. Parsing is pure: a typed config
// or a ConfigError listing every bad variable.
import { z } from 'zod';
import { ConfigError, unsetIfEmpty } from '../kit/env.ts';

export { ConfigError };

export interface DatabaseConfig {
  /** Absent → the built-in sample database. */
  databasePath: string | undefined;
  maxRows: number;
  maxResultBytes: number;
  /** Query processes at most: concurrent queries beyond it wait for a free one. */
  queryProcesses: number;
  /** Resident memory a query process may reach before it is killed with its query. */
  maxQueryMemoryBytes: number;
  /** TOOL_TIMEOUT in ms; the query process is killed past it even if the kit's own timer did not fire. */
  queryDeadlineMs: number;
}

const wholeNumber = (example: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number, e.g. ${example}` })
    .int(`must be a whole number, e.g. ${example}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const envSchema = z.object({
  DATABASE_PATH: z.preprocess(unsetIfEmpty, z.string().trim().optional()),
  DATABASE_MAX_ROWS: z.preprocess(unsetIfEmpty, wholeNumber('1000', 1, 1_000_000).default(1000)),
  DATABASE_MAX_RESULT_BYTES: z.preprocess(unsetIfEmpty, wholeNumber('1048576', 1024, 256 * 1024 * 1024).default(1_048_576)),
  DATABASE_QUERY_PROCESSES: z.preprocess(unsetIfEmpty, wholeNumber('2', 1, 32).default(2)),
  DATABASE_MAX_QUERY_MEMORY_BYTES: z.preprocess(unsetIfEmpty, wholeNumber('134217728', 64 * 1024 * 1024, 16 * 1024 * 1024 * 1024).default(128 * 1024 * 1024)),
  TOOL_TIMEOUT: z.preprocess(
    unsetIfEmpty,
    z.coerce.number({ error: 'must be a number of seconds, e.g. 30' }).positive('must be greater than 0').default(30),
  ),
});

export function parseDatabaseConfig(env: Readonly<Record<string, string | undefined>>): DatabaseConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid database server settings: ${problems.join('; ')}`);
  }
  const data = parsed.data;
  return {
    databasePath: data.DATABASE_PATH,
    maxRows: data.DATABASE_MAX_ROWS,
    maxResultBytes: data.DATABASE_MAX_RESULT_BYTES,
    queryProcesses: data.DATABASE_QUERY_PROCESSES,
    maxQueryMemoryBytes: data.DATABASE_MAX_QUERY_MEMORY_BYTES,
    queryDeadlineMs: Math.round(data.TOOL_TIMEOUT * 1000),
  };
}
