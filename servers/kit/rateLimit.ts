// Request limits per client identity (API key fingerprint, OAuth subject, or the remote address
// when auth is off): a token bucket (requests per second with a burst) and an optional daily
// quota (requests per UTC day). In memory they hold per replica; with Redis (redisRateLimit.ts)
// every replica draws from the same bucket and quota. Pure arithmetic over an injectable clock.

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until a request can succeed again (for Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
  /** Why a request was refused: the per-second rate or the daily quota. */
  reason?: 'rate' | 'quota';
}

export interface RateLimitSettings {
  ratePerSecond: number;
  burst: number;
  /** Requests per client per UTC day; undefined = no quota. */
  dailyQuota?: number;
}

/** What the HTTP layer asks before serving a request. */
export interface RequestLimiter {
  take(identity: string): Promise<RateDecision>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const DAY_MS = 86_400_000;

/** Seconds from `nowMs` to the next UTC midnight (when a daily quota resets). */
export function secondsUntilUtcMidnight(nowMs: number): number {
  return Math.max(1, Math.ceil((DAY_MS - (nowMs % DAY_MS)) / 1000));
}

/** "2026-12-01": the UTC day a quota counts in. */
export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly maxIdentities: number;

  constructor(options: { ratePerSecond: number; burst: number; now?: () => number; maxIdentities?: number }) {
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.now = options.now ?? Date.now;
    this.maxIdentities = options.maxIdentities ?? 100_000;
  }

  take(identity: string): RateDecision {
    const bucket = this.refilled(identity);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return this.refusal(bucket);
  }

  /** The decision `take` would make, without spending a token. */
  peek(identity: string): RateDecision {
    const bucket = this.buckets.get(identity);
    if (bucket === undefined) return { allowed: true, retryAfterSeconds: 0 };
    const tokens = Math.min(this.burst, bucket.tokens + ((this.now() - bucket.updatedAt) / 1000) * this.ratePerSecond);
    return tokens >= 1 ? { allowed: true, retryAfterSeconds: 0 } : this.refusal({ tokens, updatedAt: bucket.updatedAt });
  }

  private refusal(bucket: Bucket): RateDecision {
    const missing = 1 - bucket.tokens;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.ratePerSecond)), reason: 'rate' };
  }

  private refilled(identity: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(identity);
    if (bucket === undefined) {
      this.evictIfFull();
      bucket = { tokens: this.burst, updatedAt: now };
    } else {
      this.buckets.delete(identity); // re-inserted below: Map order doubles as least-recently-used order
      const refill = ((now - bucket.updatedAt) / 1000) * this.ratePerSecond;
      bucket.tokens = Math.min(this.burst, bucket.tokens + refill);
      bucket.updatedAt = now;
    }
    this.buckets.set(identity, bucket);
    return bucket;
  }

  /** Drops the least recently seen identity; its bucket would have refilled long ago. */
  private evictIfFull(): void {
    if (this.buckets.size < this.maxIdentities) return;
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}

/** Requests per identity per UTC day, in memory (per replica). */
export class DailyQuota {
  private readonly counts = new Map<string, number>();
  private day = '';
  private readonly quota: number;
  private readonly now: () => number;
  private readonly maxIdentities: number;

  constructor(options: { quota: number; now?: () => number; maxIdentities?: number }) {
    this.quota = options.quota;
    this.now = options.now ?? Date.now;
    this.maxIdentities = options.maxIdentities ?? 100_000;
  }

  /** Whether `identity` has quota left today (nothing is counted). */
  check(identity: string): RateDecision {
    this.rollOver();
    if ((this.counts.get(identity) ?? 0) < this.quota) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: secondsUntilUtcMidnight(this.now()), reason: 'quota' };
  }

  count(identity: string): void {
    this.rollOver();
    if (!this.counts.has(identity) && this.counts.size >= this.maxIdentities) {
      const oldest = this.counts.keys().next();
      if (!oldest.done) this.counts.delete(oldest.value);
    }
    this.counts.set(identity, (this.counts.get(identity) ?? 0) + 1);
  }

  private rollOver(): void {
    const today = utcDay(this.now());
    if (today !== this.day) {
      this.day = today;
      this.counts.clear();
    }
  }
}

/** Token bucket plus optional daily quota, in this replica's memory. */
export class MemoryRequestLimiter implements RequestLimiter {
  private readonly bucket: TokenBucketLimiter;
  private readonly quota: DailyQuota | undefined;

  constructor(settings: RateLimitSettings, options: { now?: () => number } = {}) {
    this.bucket = new TokenBucketLimiter({ ...settings, ...options });
    this.quota = settings.dailyQuota === undefined ? undefined : new DailyQuota({ quota: settings.dailyQuota, ...options });
  }

  takeNow(identity: string): RateDecision {
    const quota = this.quota?.check(identity);
    if (quota && !quota.allowed) return quota;
    const decision = this.bucket.take(identity);
    if (decision.allowed) this.quota?.count(identity);
    return decision;
  }

  async take(identity: string): Promise<RateDecision> {
    return this.takeNow(identity);
  }
}

/**
 * Failed authentication per client address: a small budget of failures that refills slowly.
 * While it is spent, every authentication attempt from that address is refused before any key
 * is compared, so the refusal reveals nothing about the guess.
 */
export class AuthFailureThrottle {
  private readonly failures: TokenBucketLimiter;

  constructor(options: { failuresPerMinute: number; now?: () => number }) {
    this.failures = new TokenBucketLimiter({ ratePerSecond: options.failuresPerMinute / 60, burst: options.failuresPerMinute, ...(options.now && { now: options.now }) });
  }

  /** Refusal when `address` has used up its failures; allowed otherwise. */
  check(address: string): RateDecision {
    return this.failures.peek(address);
  }

  recordFailure(address: string): void {
    this.failures.take(address);
  }
}
