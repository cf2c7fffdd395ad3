import { z } from 'zod';
import type { ToolDefinition } from '../../kit/tool.ts';
import { ToolError, defineTool } from '../../kit/tool.ts';
import type { KvStore } from '../lib/store.ts';
import { keySchema } from './kvSchemas.ts';

export function kvGetTool(deps: { store: KvStore }): ToolDefinition {
  return defineTool({
    name: 'kv_get',
    title: 'Get a value',
    description: 'Returns the text value stored under a key. Fails with not_found when the key does not exist (or has expired).',
    inputSchema: z.object({ key: keySchema }),
    outputSchema: z.object({ key: z.string(), value: z.string(), bytes: z.number().int() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    // Read-only, but the answer changes whenever kv_set runs: a cached answer would be stale.
    cacheable: false,
    async handler({ key }) {
      const value = await deps.store.get(key);
      if (value === undefined) {
        throw new ToolError(`No value is stored under "${key}"; check the key with kv_list or store one with kv_set.`, 'not_found');
      }
      return { key, value, bytes: Buffer.byteLength(value, 'utf8') };
    },
  });
}
