// One place that opens Redis connections for the kit (result cache) and catalog servers (the
// utility store), so reconnect policy, error logging and secret hygiene are the same everywhere.
import { createClient } from 'redis';
import type { Logger } from './logger.ts';
import { scrubText } from './logger.ts';

function openClient(url: string, connectTimeoutMs: number) {
  return createClient({
    url,
    // Fail commands at once while disconnected instead of queueing them until Redis returns:
    // a tool call should get a clear error (or skip the cache), not hang until TOOL_TIMEOUT.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
    },
  });
}

export type RedisConnection = ReturnType<typeof openClient>;

/** The URL without its password, for logs and error messages. */
export function describeRedisUrl(url: string): string {
  return scrubText(url);
}

/**
 * Opens a connection (resolves once connected). Reconnects with capped backoff forever, so a
 * Redis restart shows up as failing /readyz and failing calls, never as a crashed process.
 */
export async function connectRedis(url: string, logger: Logger, options: { connectTimeoutMs?: number } = {}): Promise<RedisConnection> {
  const client = openClient(url, options.connectTimeoutMs ?? 5000);
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    // Rate-limit the log: a down Redis emits an error on every reconnect attempt.
    const now = Date.now();
    if (now - lastLogged > 5000) {
      lastLogged = now;
      logger.warn('redis connection error', { redis: describeRedisUrl(url), error: scrubText(error.message) });
    }
  });
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw new Error(`cannot connect to Redis at ${describeRedisUrl(url)}: ${scrubText((error as Error).message)}`, { cause: error });
  }
  return client;
}

/** Throws unless Redis answers PING; used by readiness checks. */
export async function pingRedis(client: RedisConnection): Promise<void> {
  if (!client.isReady) throw new Error('redis is not connected');
  await client.ping();
}

export async function closeRedis(client: RedisConnection): Promise<void> {
  if (client.isOpen) {
    await client.close().catch(() => client.destroy());
  }
}
