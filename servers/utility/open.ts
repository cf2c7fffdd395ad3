// Opens the utility server from the environment: parses its settings and connects the store
// (Redis when REDIS_URL is set, connecting in the background). Called by the catalog registry.
import type { Logger } from '../kit/logger.ts';
import { openRedis } from '../kit/redis.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { parseUtilityConfig } from './config.ts';
import type { KvStore } from './lib/store.ts';
import { MemoryKvStore, RedisKvStore } from './lib/store.ts';
import { createServer } from './server.ts';

export async function openUtilityServer(env: Record<string, string | undefined>, context: { logger: Logger; httpTimeoutMs: number }): Promise<CatalogServer> {
  const config = parseUtilityConfig(env);
  let store: KvStore;
  if (config.redisUrl) {
    // Not awaited: the server listens at once and /readyz reports Redis until it answers.
    store = new RedisKvStore(openRedis(config.redisUrl, context.logger, { connectTimeoutMs: context.httpTimeoutMs, purpose: 'utility store' }));
  } else {
    store = new MemoryKvStore({ maxKeys: config.maxMemoryKeys, maxTotalBytes: config.maxMemoryBytes });
  }
  context.logger.info('utility store ready', { backend: store.backend });
  return createServer({ store, maxValueBytes: config.maxValueBytes });
}
