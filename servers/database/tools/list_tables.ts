import { z } from 'zod';
import { defineTool } from '../../kit/tool.ts';
import type { TableSummary } from '../lib/catalog.ts';
import { asToolErrors } from './errors.ts';
import type { RunOperation } from './runner.ts';

export function createListTablesTool(run: RunOperation) {
  return defineTool({
    name: 'list_tables',
    title: 'List tables',
    description: 'Lists the tables and views of the SQLite database with their column names. Start here before writing a query.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      tables: z.array(z.object({ name: z.string(), type: z.enum(['table', 'view']), columns: z.array(z.string()) })),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: (_args, context) =>
      asToolErrors(async () => ({ tables: (await run({ op: 'listTables' }, context.signal)) as TableSummary[] })),
  });
}
