// Tool-result cache: results of read-only tools keyed by tool name and canonicalised arguments,
// kept for a TTL in memory (one replica, bounded by bytes) or Redis (shared by every replica).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { RedisConnection } from './redis.ts';
import { pingRedis } from './redis.ts';

/**
 * JSON with object keys sorted at every level, so {a:1,b:2} and {b:2,a:1} give one key.
 * Arrays keep their order (order is meaningful in arguments).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** Cache key for one call; hashed so huge arguments never become huge keys. */
export function cacheKey(serverName: string, tool: string, args: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(args)).digest('base64url');
  return `mcpfleet:cache:${serverName}:${tool}:${digest}`;
}

export interface ResultCache {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

/** Default memory budget of the in-process cache (CACHE_MAX_BYTES). */
export const DEFAULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * In-process cache bounded by bytes (and entry count), least recently used first out. Results are
 * kept as their JSON text: its length is what the entry costs (an entry count alone let 300
 * one-MiB reads take 520 MB), and parsing on every hit hands each caller its own copy. A result
 * bigger than a quarter of the budget is not cached at all.
 */
export class MemoryResultCache implements ResultCache {
  private readonly entries: LRUCache<string, string>;

  constructor(options: { maxEntries?: number; maxBytes?: number; now?: () => number } = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    const now = options.now;
    this.entries = new LRUCache<string, string>({
      max: options.maxEntries ?? 10_000,
      // JS strings take up to 2 bytes per character; count what the heap holds, key included.
      maxSize: maxBytes,
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 4)),
      sizeCalculation: (value, key) => 2 * (value.length + key.length) + 64,
      // No cached clock: an entry past its TTL is never served, however busy the event loop.
      ttlResolution: 0,
      ...(now && { perf: { now } }),
    });
  }

  async get(key: string): Promise<unknown> {
    const text = this.entries.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.entries.set(key, JSON.stringify(value), { ttl: Math.max(1, Math.round(ttlSeconds * 1000)) });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held, as counted against maxBytes. */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** Redis-backed cache; entries expire by Redis TTL. The connection is owned by the caller. */
export class RedisResultCache implements ResultCache {
  private readonly client: RedisConnection;

  constructor(client: RedisConnection) {
    this.client = client;
  }

  async get(key: string): Promise<unknown> {
    const raw = await this.client.get(key);
    return raw === null ? undefined : (JSON.parse(raw) as unknown);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.client.set(key, JSON.stringify(value), { expiration: { type: 'PX', value: Math.max(1, Math.round(ttlSeconds * 1000)) } });
  }

  async checkReady(): Promise<void> {
    await pingRedis(this.client);
  }

  async close(): Promise<void> {}
}
