import { z } from 'zod';
import { orNull } from '../../kit/schemas.ts';
import type { ToolDefinition } from '../../kit/tool.ts';
import { ToolError, defineTool } from '../../kit/tool.ts';
import type { KvStore } from '../lib/store.ts';
import { StoreFullError } from '../lib/store.ts';
import { keySchema } from './kvSchemas.ts';

export function kvSetTool(deps: { store: KvStore; maxValueBytes: number }): ToolDefinition {
  return defineTool({
    name: 'kv_set',
    title: 'Set a value',
    description: `Stores a text value under a key, replacing any previous value. Values are capped at ${deps.maxValueBytes} bytes (UTF-8). Optionally expires after ttl_seconds.`,
    inputSchema: z.object({
      key: keySchema,
      value: z.string().describe('The text to store (JSON is fine: it is kept verbatim)'),
      ttl_seconds: z.number().int().min(1).max(30 * 24 * 3600).optional().describe('Expire the value after this many seconds (max 30 days)'),
    }),
    outputSchema: z.object({
      key: z.string(),
      stored: z.literal(true),
      bytes: z.number().int(),
      ttl_seconds: orNull(z.number().int()),
      backend: z.enum(['memory', 'redis']),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async handler({ key, value, ttl_seconds }) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > deps.maxValueBytes) {
        throw new ToolError(`The value is ${bytes} bytes; the limit is ${deps.maxValueBytes} bytes (KV_MAX_VALUE_BYTES). Store a smaller value or split it across keys.`, 'value_too_large');
      }
      try {
        await deps.store.set(key, value, ttl_seconds);
      } catch (error) {
        if (error instanceof StoreFullError) throw new ToolError(`Cannot store "${key}": ${error.message}. Delete keys you no longer need (kv_delete) or use Redis (REDIS_URL).`, 'store_full');
        throw error;
      }
      return { key, stored: true as const, bytes, ttl_seconds: ttl_seconds ?? null, backend: deps.store.backend };
    },
  });
}
