// The key-value store behind the kv_* tools: in memory for a single replica, or Redis so every
// replica sees the same data. Plain strings in, plain strings out; no MCP types here.
import type { RedisConnection } from '../../kit/redis.ts';
import { closeRedis, pingRedis, redisCommand } from '../../kit/redis.ts';

export interface ListResult {
  keys: string[];
  /** More keys matched than were returned. */
  truncated: boolean;
}

export interface KvStore {
  readonly backend: 'memory' | 'redis';
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<boolean>;
  list(prefix: string, limit: number): Promise<ListResult>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export class StoreFullError extends Error {
  override readonly name = 'StoreFullError';
}

interface MemoryEntry {
  value: string;
  expiresAt: number | undefined;
}

/** What one entry costs the heap: JS strings take up to 2 bytes per character, plus the entry. */
export function entryBytes(key: string, value: string): number {
  return 2 * (key.length + value.length) + 64;
}

/**
 * In-memory store for a single replica, bounded twice: by key count (KV_MAX_KEYS) and by the
 * bytes its keys and values hold (KV_MAX_TOTAL_BYTES), since 10,000 keys of 64 KiB each took the
 * process from 106 to 944 MB with the key cap alone.
 */
export class MemoryKvStore implements KvStore {
  readonly backend = 'memory';
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly maxKeys: number;
  private readonly maxTotalBytes: number;
  private totalBytes = 0;
  private readonly now: () => number;

  constructor(options: { maxKeys: number; maxTotalBytes?: number; now?: () => number }) {
    this.maxKeys = options.maxKeys;
    this.maxTotalBytes = options.maxTotalBytes ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? Date.now;
  }

  /** Bytes held, as counted against maxTotalBytes. */
  get bytes(): number {
    return this.totalBytes;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.totalBytes -= entryBytes(key, entry.value);
    this.entries.delete(key);
  }

  private live(key: string): MemoryEntry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  private sweepExpired(): void {
    for (const key of [...this.entries.keys()]) this.live(key);
  }

  private fits(key: string, value: string): boolean {
    const existing = this.entries.get(key);
    const freed = existing === undefined ? 0 : entryBytes(key, existing.value);
    return this.totalBytes - freed + entryBytes(key, value) <= this.maxTotalBytes && (existing !== undefined || this.entries.size < this.maxKeys);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (!this.fits(key, value)) {
      this.sweepExpired();
      if (!this.entries.has(key) && this.entries.size >= this.maxKeys) {
        throw new StoreFullError(`the store holds its maximum of ${this.maxKeys} keys`);
      }
      if (!this.fits(key, value)) {
        throw new StoreFullError(`the store holds ${this.totalBytes} of its ${this.maxTotalBytes} bytes (KV_MAX_TOTAL_BYTES)`);
      }
    }
    this.remove(key);
    this.entries.set(key, { value, expiresAt: ttlSeconds === undefined ? undefined : this.now() + ttlSeconds * 1000 });
    this.totalBytes += entryBytes(key, value);
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async delete(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.remove(key);
    return existed;
  }

  async list(prefix: string, limit: number): Promise<ListResult> {
    const keys: string[] = [];
    for (const key of [...this.entries.keys()].sort()) {
      if (!key.startsWith(prefix) || this.live(key) === undefined) continue;
      if (keys.length === limit) return { keys, truncated: true };
      keys.push(key);
    }
    return { keys, truncated: false };
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
    this.totalBytes = 0;
  }
}

/** Escapes Redis glob metacharacters so a user prefix matches literally. */
export function escapeRedisGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

export const REDIS_KEY_PREFIX = 'mcpfleet:kv:';

/** Caps one kv_list call's SCAN work, however large the Redis keyspace is. */
const MAX_SCAN_ROUNDS = 1000;

export class RedisKvStore implements KvStore {
  readonly backend = 'redis';
  private readonly client: RedisConnection;
  private readonly ownsClient: boolean;

  constructor(client: RedisConnection, options: { ownsClient?: boolean } = {}) {
    this.client = client;
    this.ownsClient = options.ownsClient ?? true;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    await redisCommand(() =>
      this.client.set(REDIS_KEY_PREFIX + key, value, ttlSeconds === undefined ? undefined : { expiration: { type: 'PX', value: Math.round(ttlSeconds * 1000) } }),
    );
  }

  async get(key: string): Promise<string | undefined> {
    return (await redisCommand(() => this.client.get(REDIS_KEY_PREFIX + key))) ?? undefined;
  }

  async delete(key: string): Promise<boolean> {
    return (await redisCommand(() => this.client.del(REDIS_KEY_PREFIX + key))) > 0;
  }

  list(prefix: string, limit: number): Promise<ListResult> {
    return redisCommand(() => this.scan(prefix, limit));
  }

  private async scan(prefix: string, limit: number): Promise<ListResult> {
    const found = new Set<string>();
    let rounds = 0;
    let exhausted = true;
    for await (const batch of this.client.scanIterator({ MATCH: `${escapeRedisGlob(REDIS_KEY_PREFIX + prefix)}*`, COUNT: 500 })) {
      for (const key of batch) found.add(key.slice(REDIS_KEY_PREFIX.length));
      rounds += 1;
      if (found.size > limit || rounds >= MAX_SCAN_ROUNDS) {
        exhausted = false;
        break;
      }
    }
    const keys = [...found].sort();
    return { keys: keys.slice(0, limit), truncated: keys.length > limit || !exhausted };
  }

  async checkReady(): Promise<void> {
    await pingRedis(this.client);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.client);
  }
}
