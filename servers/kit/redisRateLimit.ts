// Cluster-wide request limits: the token bucket and the daily quota of rateLimit.ts kept in Redis
// and updated by one Lua script (atomic, on Redis's clock), so N replicas give a client the limit
// once, not N times. While Redis is unreachable the replica falls back to its own memory limits
// (per replica, logged once per interval) rather than refusing or waving everything through.
import type { Logger } from './logger.ts';
import { throttledLog } from './logThrottle.ts';
import type { RateDecision, RateLimitSettings, RequestLimiter } from './rateLimit.ts';
import { MemoryRequestLimiter, secondsUntilUtcMidnight, utcDay } from './rateLimit.ts';
import type { RedisConnection } from './redis.ts';

// KEYS[1] bucket hash, KEYS[2] today's quota counter.
// ARGV: rate per second, burst, quota (0 = none), quota counter TTL in seconds.
// Returns { allowed (1/0), refused by quota (1/0), tokens left (string) }.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local quota = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if quota > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= quota then
  return {0, 1, '0'}
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) / 1000 * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
if allowed == 1 and quota > 0 then
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4])) end
end
return {allowed, 0, tostring(tokens)}
`;

export class RedisRequestLimiter implements RequestLimiter {
  private readonly client: RedisConnection;
  private readonly settings: RateLimitSettings;
  private readonly prefix: string;
  private readonly fallback: MemoryRequestLimiter;
  private readonly warn: (message: string, meta: Record<string, unknown>) => void;
  private readonly now: () => number;

  constructor(client: RedisConnection, settings: RateLimitSettings, options: { serverName: string; logger: Logger; now?: () => number }) {
    this.client = client;
    this.settings = settings;
    this.prefix = `mcpfleet:ratelimit:${options.serverName}`;
    this.fallback = new MemoryRequestLimiter(settings, options.now ? { now: options.now } : {});
    this.warn = throttledLog(options.logger, 'warn', 30_000);
    this.now = options.now ?? Date.now;
  }

  async take(identity: string): Promise<RateDecision> {
    const now = this.now();
    try {
      const reply = (await this.client.eval(TAKE_SCRIPT, {
        keys: [`${this.prefix}:bucket:${identity}`, `${this.prefix}:quota:${identity}:${utcDay(now)}`],
        arguments: [String(this.settings.ratePerSecond), String(this.settings.burst), String(this.settings.dailyQuota ?? 0), String(2 * 86_400)],
      })) as [number, number, string];
      const [allowed, byQuota, tokensLeft] = reply;
      if (allowed === 1) return { allowed: true, retryAfterSeconds: 0 };
      if (byQuota === 1) return { allowed: false, retryAfterSeconds: secondsUntilUtcMidnight(now), reason: 'quota' };
      const missing = 1 - Number(tokensLeft);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.settings.ratePerSecond)), reason: 'rate' };
    } catch (error) {
      this.warn('Redis unavailable for rate limiting; limits are per replica until it answers', { error: (error as Error).message });
      return this.fallback.takeNow(identity);
    }
  }
}
