import { z } from 'zod';
import { orNull } from '../../kit/schemas.ts';
import { defineTool } from '../../kit/tool.ts';
import type { TableDescription } from '../lib/catalog.ts';
import { asToolErrors } from './errors.ts';
import type { RunOperation } from './runner.ts';

export function createDescribeTableTool(run: RunOperation) {
  return defineTool({
    name: 'describe_table',
    title: 'Describe table',
    description:
      'Describes one table or view: columns (type, NOT NULL, default, primary key), indexes, foreign keys, the CREATE statement and the row count.',
    inputSchema: z.object({
      table: z.string().trim().min(1, 'table must not be empty; call list_tables for the names').max(256).describe('Table or view name (case-insensitive).'),
    }),
    outputSchema: z.object({
      name: z.string(),
      type: z.enum(['table', 'view']),
      sql: orNull(z.string()),
      rowCount: z.number().int(),
      columns: z.array(
        z.object({
          name: z.string(),
          type: z.string(),
          notNull: z.boolean(),
          defaultValue: orNull(z.string()),
          primaryKey: z.number().int().describe('1-based position in the primary key; 0 when not part of it.'),
        }),
      ),
      indexes: z.array(z.object({ name: z.string(), unique: z.boolean(), columns: z.array(z.string()) })),
      foreignKeys: z.array(
        z.object({ column: z.string(), references: z.object({ table: z.string(), column: orNull(z.string()) }) }),
      ),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: ({ table }, context) =>
      asToolErrors(async () => (await run({ op: 'describeTable', table }, context.signal)) as TableDescription),
  });
}
