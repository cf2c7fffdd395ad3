// One place that opens Redis connections for the kit (result cache, rate limits) and catalog
// servers (the utility store), so reconnect policy, error logging and secret hygiene are the same
// everywhere. A server never waits for Redis to start: it listens at once, /readyz fails until
// Redis answers, and the client keeps retrying (an unreachable Redis or a wrong password used to
// leave the server neither listening nor exiting).
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

/** A failed Redis command, worded for the caller: the text tool errors carry. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Runs one Redis command; any failure of the connection becomes a RedisUnavailableError. */
export async function redisCommand<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new RedisUnavailableError(`Redis unavailable (${scrubText((error as Error).message)}); retry shortly.`, { cause: error });
  }
}

/** How often a Redis that stays down is mentioned again in the log. */
const REPEAT_LOG_MS = 60_000;

/**
 * Opens a connection without waiting for it: it connects (and reconnects, with capped backoff)
 * in the background. The first failure is logged as one clear error line, later ones once a
 * minute with a count, and the recovery once.
 */
export function openRedis(url: string, logger: Logger, options: { connectTimeoutMs?: number; purpose?: string } = {}): RedisConnection {
  const client = openClient(url, options.connectTimeoutMs ?? 5000);
  const where = { redis: describeRedisUrl(url), ...(options.purpose && { purpose: options.purpose }) };
  let failing = false;
  let lastLogged = 0;
  let suppressed = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    const reason = scrubText(error.message);
    if (!failing) {
      failing = true;
      lastLogged = now;
      logger.error('Redis unavailable; readiness fails and calls that need Redis report it until it answers; retrying', { ...where, error: reason });
    } else if (now - lastLogged >= REPEAT_LOG_MS) {
      lastLogged = now;
      logger.warn('Redis still unavailable; retrying', { ...where, error: reason, failedAttempts: suppressed });
      suppressed = 0;
    } else {
      suppressed += 1;
    }
  });
  client.on('ready', () => {
    if (failing) logger.info('Redis connection restored', where);
    failing = false;
    suppressed = 0;
  });
  // connect() settles only once connected (or when the client is closed); errors go to 'error'.
  client.connect().catch(() => {});
  return client;
}

/** Opens a connection and waits until it is ready (tests and tools that need Redis up front). */
export async function connectRedis(url: string, logger: Logger, options: { connectTimeoutMs?: number; readyWithinMs?: number } = {}): Promise<RedisConnection> {
  const client = openRedis(url, logger, options);
  const deadline = Date.now() + (options.readyWithinMs ?? 10_000);
  while (!client.isReady) {
    if (Date.now() > deadline) {
      client.destroy();
      throw new Error(`cannot connect to Redis at ${describeRedisUrl(url)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return client;
}

/** Throws unless Redis answers PING; used by readiness checks. */
export async function pingRedis(client: RedisConnection): Promise<void> {
  if (!client.isReady) throw new Error('Redis is not connected (unreachable, or the password is wrong); see the server log');
  await client.ping();
}

export async function closeRedis(client: RedisConnection): Promise<void> {
  // A client still trying to connect has nothing to flush: stop its retries at once.
  if (client.isReady) await client.close().catch(() => client.destroy());
  else if (client.isOpen) client.destroy();
}
