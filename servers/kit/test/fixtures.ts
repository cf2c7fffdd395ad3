// Catalog server definitions used by the kit's own tests (and the drain child process).
import { z } from 'zod';
import type { CatalogServer } from '../tool.ts';
import { ToolError, defineTool } from '../tool.ts';

export interface FixtureCounters {
  lookups: number;
  increments: number;
}

/** A small server: a read-only lookup (cacheable), a mutating counter, a failing and a slow tool. */
export function fixtureServer(counters: FixtureCounters = { lookups: 0, increments: 0 }, options: { slowMs?: number; ready?: () => Promise<void>; onSlowStart?: () => void } = {}): CatalogServer {
  return {
    name: 'fixture',
    version: '1.0.0',
    instructions: 'Test fixture for the kit.',
    tools: [
      defineTool({
        name: 'lookup',
        title: 'Lookup',
        description: 'Returns the upper-cased word (read-only).',
        inputSchema: z.object({ word: z.string().min(1).max(20), options: z.object({ a: z.number().optional(), b: z.number().optional() }).optional() }),
        outputSchema: z.object({ word: z.string(), calls: z.number() }),
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        async handler({ word }) {
          counters.lookups += 1;
          if (word === 'missing') throw new ToolError('No entry named "missing"; pick another word.', 'not_found');
          if (word === 'crash') throw new Error('boom: secret-internal-detail');
          return { word: word.toUpperCase(), calls: counters.lookups };
        },
      }),
      defineTool({
        name: 'increment',
        title: 'Increment',
        description: 'Increments a counter (not read-only).',
        inputSchema: z.object({ by: z.number().int().default(1) }),
        outputSchema: z.object({ value: z.number() }),
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        async handler({ by }) {
          counters.increments += by;
          return { value: counters.increments };
        },
      }),
      defineTool({
        name: 'slow',
        title: 'Slow',
        description: 'Waits, then answers.',
        inputSchema: z.object({ ms: z.number().int().min(0).max(60_000).optional() }),
        outputSchema: z.object({ waitedMs: z.number() }),
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        async handler({ ms }, { signal }) {
          const wait = ms ?? options.slowMs ?? 1000;
          options.onSlowStart?.();
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, wait);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
            }, { once: true });
          });
          return { waitedMs: wait };
        },
      }),
      defineTool({
        name: 'bad_output',
        title: 'Bad output',
        description: 'Returns a result that violates its schema.',
        inputSchema: z.object({}),
        outputSchema: z.object({ n: z.number() }),
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        async handler() {
          return { n: 'not a number' } as unknown as { n: number };
        },
      }),
    ],
    ...(options.ready && { checkReady: options.ready }),
  };
}
