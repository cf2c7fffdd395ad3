// Opens the utility server from the environment: parses its settings and connects the store
// (Redis when REDIS_URL is set). Called by the catalog registry; the only I/O at start-up.
import type { Logger } from '../kit/logger.ts';
import { connectRedis } from '../kit/redis.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { parseUtilityConfig } from './config.ts';
import type { KvStore } from './lib/store.ts';
import { MemoryKvStore, RedisKvStore } from './lib/store.ts';
import { createServer } from './server.ts';

export async function openUtilityServer(env: Record<string, string | undefined>, context: { logger: Logger; httpTimeoutMs: number }): Promise<CatalogServer> {
  const config = parseUtilityConfig(env);
  let store: KvStore;
  if (config.redisUrl) {
    store = new RedisKvStore(await connectRedis(config.redisUrl, context.logger, { connectTimeoutMs: context.httpTimeoutMs }));
  } else {
    store = new MemoryKvStore({ maxKeys: config.maxMemoryKeys });
  }
  context.logger.info('utility store ready', { backend: store.backend });
  return createServer({ store, maxValueBytes: config.maxValueBytes });
}
