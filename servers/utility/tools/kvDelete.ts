import { z } from 'zod';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import type { KvStore } from '../lib/store.ts';
import { keySchema } from './kvSchemas.ts';

export function kvDeleteTool(deps: { store: KvStore }): ToolDefinition {
  return defineTool({
    name: 'kv_delete',
    title: 'Delete a value',
    description: 'Deletes a key. Deleting a key that does not exist is not an error: deleted is then false.',
    inputSchema: z.object({ key: keySchema }),
    outputSchema: z.object({ key: z.string(), deleted: z.boolean() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async handler({ key }) {
      return { key, deleted: await deps.store.delete(key) };
    },
  });
}
