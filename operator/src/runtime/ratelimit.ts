// Rate limiters for the work queue, after client-go's DefaultControllerRateLimiter: the delay
// for a failed key is the larger of its own exponential backoff (5 ms doubling to 1000 s) and
// an overall token bucket (10 qps, burst 100) shared by all keys, so one broken object backs off
// alone while a mass failure (API down) cannot turn into a retry storm.

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
}

export const monotonicClock: Clock = { now: () => performance.now() };

export interface RateLimiter {
  /** Delay in ms before `key` may be processed again; records one more failure. */
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

export class ItemExponentialLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(opts: { baseMs: number; maxMs: number }) {
    if (!(opts.baseMs > 0) || !(opts.maxMs >= opts.baseMs)) {
      throw new Error(`invalid per-key backoff: base (${opts.baseMs} ms) must be > 0 and ≤ max (${opts.maxMs} ms)`);
    }
    this.baseMs = opts.baseMs;
    this.maxMs = opts.maxMs;
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = this.baseMs * Math.pow(2, n);
    return Number.isFinite(delay) ? Math.min(delay, this.maxMs) : this.maxMs;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * A token bucket that hands out reservations: each call takes one token, possibly from the
 * future, and returns how long the caller must wait for it (golang.org/x/time/rate Reserve).
 */
export class TokenBucketLimiter implements RateLimiter {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly clock: Clock;

  constructor(opts: { qps: number; burst: number; clock?: Clock }) {
    if (!(opts.qps > 0) || !(opts.burst >= 1)) throw new Error(`invalid rate limit: qps (${opts.qps}) must be > 0 and burst (${opts.burst}) ≥ 1`);
    this.qps = opts.qps;
    this.burst = opts.burst;
    this.clock = opts.clock ?? monotonicClock;
    this.tokens = opts.burst;
    this.last = this.clock.now();
  }

  when(_key: string): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(_key: string): void {}

  numRequeues(_key: string): number {
    return 0;
  }
}

export class MaxOfLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    let delay = 0;
    for (const limiter of this.limiters) delay = Math.max(delay, limiter.when(key));
    return delay;
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    let n = 0;
    for (const limiter of this.limiters) n = Math.max(n, limiter.numRequeues(key));
    return n;
  }
}

export interface ControllerRateLimitOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  qps?: number;
  burst?: number;
  clock?: Clock;
}

export function defaultControllerRateLimiter(opts: ControllerRateLimitOptions = {}): RateLimiter {
  return new MaxOfLimiter(
    new ItemExponentialLimiter({ baseMs: opts.baseDelayMs ?? 5, maxMs: opts.maxDelayMs ?? 1_000_000 }),
    new TokenBucketLimiter({ qps: opts.qps ?? 10, burst: opts.burst ?? 100, clock: opts.clock }),
  );
}
