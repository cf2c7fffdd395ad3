import { z } from 'zod';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import type { KvStore } from '../lib/store.ts';
import { MAX_LIST_LIMIT } from './kvSchemas.ts';

export function kvListTool(deps: { store: KvStore }): ToolDefinition {
  return defineTool({
    name: 'kv_list',
    title: 'List keys',
    description: `Lists stored keys in lexicographic order, optionally only those starting with a prefix. Returns at most "limit" keys (default 100, max ${MAX_LIST_LIMIT}); truncated is true when more exist.`,
    inputSchema: z.object({
      prefix: z.string().max(256, 'prefix must be at most 256 characters').default('').describe('Only keys starting with this text'),
      limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(100).describe(`Maximum keys to return (1-${MAX_LIST_LIMIT})`),
    }),
    outputSchema: z.object({
      prefix: z.string(),
      keys: z.array(z.string()),
      count: z.number().int(),
      truncated: z.boolean(),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    // The key set changes with every kv_set and kv_delete.
    cacheable: false,
    async handler({ prefix, limit }) {
      const { keys, truncated } = await deps.store.list(prefix, limit);
      return { prefix, keys, count: keys.length, truncated };
    },
  });
}
