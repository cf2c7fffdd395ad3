// Tool-result cache: results of read-only tools keyed by tool name and canonicalised arguments,
// kept for a TTL in memory (one replica) or Redis (shared by every replica).
import { createHash } from 'node:crypto';
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

interface MemoryEntry {
  expiresAt: number;
  value: unknown;
}

/** In-process cache bounded by entry count; the oldest entry goes first when full. */
export class MemoryResultCache implements ResultCache {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async get(key: string): Promise<unknown> {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return structuredClone(entry.value);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { expiresAt: this.now() + ttlSeconds * 1000, value: structuredClone(value) });
  }

  get size(): number {
    return this.entries.size;
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
