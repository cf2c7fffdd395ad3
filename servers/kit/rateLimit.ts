// Token-bucket rate limiting per client identity (API key fingerprint, OAuth subject, or the
// remote address when auth is off). Pure arithmetic over an injectable clock.

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one token is available again (for Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
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
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const missing = 1 - bucket.tokens;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.ratePerSecond)) };
  }

  /** Drops the least recently seen identity; its bucket would have refilled long ago. */
  private evictIfFull(): void {
    if (this.buckets.size < this.maxIdentities) return;
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
