import { z } from 'zod';
import type { Logger } from '../../kit/logger.ts';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { dataRowSchema, queryData } from '../lib/api.ts';
import type { BackendClient } from '../lib/backend.ts';
import { withTaxonomy } from './errors.ts';
import { limitSchema } from './schemas.ts';

export const MAX_FILTERS = 20;

const filterValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

export function queryDataTool(deps: { backend: BackendClient; logger: Logger }): ToolDefinition {
  return defineTool({
    name: 'query_data',
    title: 'Query a dataset',
    description: `Queries a backend dataset with equality filters (at most ${MAX_FILTERS}, scalar values) and returns up to limit rows.`,
    inputSchema: z.object({
      dataset: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'dataset names have 1-64 letters, digits, _ . -').describe('Dataset name to query'),
      filters: z
        .record(z.string().min(1).max(64), filterValue)
        .refine((filters) => Object.keys(filters).length <= MAX_FILTERS, `at most ${MAX_FILTERS} filters`)
        .default({})
        .describe('Query filters: field name → value'),
      limit: limitSchema(100, 1000),
    }),
    outputSchema: z.object({ dataset: z.string(), rows: z.number().int(), data: z.array(dataRowSchema) }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: ({ dataset, filters, limit }, context) => withTaxonomy(deps.logger, 'query_data', context, () => queryData(deps.backend, dataset, filters, limit, context.signal)),
  });
}
