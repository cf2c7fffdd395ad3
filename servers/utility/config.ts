// Utility server settings (beyond the kit's): where the key-value store lives, how big a value
// may be, and how much the in-memory store may hold.
import { z } from 'zod';
import { ConfigError } from '../kit/env.ts';

export interface UtilityConfig {
  /** Redis URL for a store shared by every replica; memory (one replica) when unset. */
  redisUrl: string | undefined;
  maxValueBytes: number;
  /** Upper bound on keys in the in-memory store, so one client cannot exhaust the pod. */
  maxMemoryKeys: number;
  /** Upper bound on the bytes the in-memory store holds (keys and values). */
  maxMemoryBytes: number;
}

export class UtilityConfigError extends ConfigError {
  override readonly name = 'UtilityConfigError';
}

const schema = z.object({
  REDIS_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || /^rediss?:\/\//.test(value), 'must start with redis:// or rediss://'),
  KV_MAX_VALUE_BYTES: z.coerce.number().int().positive().max(512 * 1024 * 1024).default(65_536),
  KV_MAX_KEYS: z.coerce.number().int().positive().default(10_000),
  KV_MAX_TOTAL_BYTES: z.coerce.number().int().positive().default(32 * 1024 * 1024),
});

export function parseUtilityConfig(env: Record<string, string | undefined>): UtilityConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new UtilityConfigError(`invalid utility settings: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return {
    redisUrl: parsed.data.REDIS_URL,
    maxValueBytes: parsed.data.KV_MAX_VALUE_BYTES,
    maxMemoryKeys: parsed.data.KV_MAX_KEYS,
    maxMemoryBytes: parsed.data.KV_MAX_TOTAL_BYTES,
  };
}
