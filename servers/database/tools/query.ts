import { z } from 'zod';
import { orNull } from '../../kit/schemas.ts';
import { defineTool } from '../../kit/tool.ts';
import type { QueryResult } from '../lib/query.ts';
import { asToolErrors } from './errors.ts';
import type { RunOperation } from './runner.ts';

const paramValue = z.union([z.string(), z.number(), z.boolean(), z.literal(null)]);

const cell = z.union([
  z.string(),
  z.number(),
  z.literal(null),
  z.object({ blobBase64: z.string(), bytes: z.number().int() }).describe('A BLOB value, base64-encoded.'),
]);

export interface QueryToolLimits {
  maxRows: number;
}

export function createQueryTool(run: RunOperation, limits: QueryToolLimits) {
  return defineTool({
    name: 'query',
    title: 'Run a read-only SQL query',
    description: `Runs one read-only SQL statement (SQLite dialect: SELECT, WITH, read-only PRAGMAs) with bound parameters and returns the rows. Writes, schema changes and ATTACH are refused by the database. At most ${limits.maxRows} rows per call (the server's DATABASE_MAX_ROWS); the result is also size-capped, and "truncated" says when either cap cut it.`,
    inputSchema: z.object({
      sql: z.string().min(1, 'sql must not be empty').max(100_000, 'sql must be at most 100000 characters').describe('One SQL statement; use ? or :name placeholders for values.'),
      params: z
        .union([z.array(paramValue), z.record(z.string(), paramValue)])
        .optional()
        .describe('Values for the placeholders: an array for ? (in order), or an object for :name / @name / $name.'),
      limit: z
        .number()
        .int('limit must be a whole number')
        .min(1, 'limit must be at least 1')
        .optional()
        .describe(`Maximum rows to return (default and ceiling: ${limits.maxRows}).`),
    }),
    outputSchema: z.object({
      columns: z.array(z.object({ name: z.string(), declaredType: orNull(z.string()) })),
      rows: z.array(z.record(z.string(), cell)),
      rowCount: z.number().int(),
      limit: z.number().int(),
      truncated: z.boolean(),
      truncatedReason: z.enum(['row_limit', 'result_size']).optional(),
      note: z.string().optional(),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: ({ sql, params, limit }, context) =>
      asToolErrors(async () => (await run({ op: 'query', request: { sql, params, limit } }, context.signal)) as QueryResult),
  });
}
