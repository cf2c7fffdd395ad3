import assert from 'node:assert/strict';
import { defaultControllerRateLimiter, ItemExponentialLimiter, TokenBucketLimiter } from './ratelimit.ts';

function fakeClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('rate limiters', () => {
  it('per-key exponential backoff doubles from the base, caps at the max, and forget resets it', () => {
    const limiter = new ItemExponentialLimiter({ baseMs: 5, maxMs: 100 });
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(() => limiter.when('a')), [5, 10, 20, 40, 80, 100, 100]);
    assert.equal(limiter.when('b'), 5, 'keys back off independently');
    assert.equal(limiter.numRequeues('a'), 7);
    limiter.forget('a');
    assert.equal(limiter.numRequeues('a'), 0);
    assert.equal(limiter.when('a'), 5);
  });

  it('client-go defaults reach 1000 s', () => {
    const limiter = new ItemExponentialLimiter({ baseMs: 5, maxMs: 1_000_000 });
    let last = 0;
    for (let i = 0; i < 40; i++) last = limiter.when('k');
    assert.equal(last, 1_000_000);
  });

  it('the token bucket allows a burst, then spaces calls at 1/qps, and refills over time', () => {
    const clock = fakeClock();
    const bucket = new TokenBucketLimiter({ qps: 2, burst: 3, clock });
    assert.deepEqual([bucket.when('x'), bucket.when('y'), bucket.when('z')], [0, 0, 0]);
    assert.equal(bucket.when('x'), 500);
    assert.equal(bucket.when('x'), 1000);
    clock.advance(10_000);
    assert.equal(bucket.when('x'), 0, 'refilled (capped at burst)');
    assert.equal(bucket.when('x'), 0);
    assert.equal(bucket.when('x'), 0);
    assert.equal(bucket.when('x'), 500);
  });

  it('the default controller limiter takes the larger of per-key backoff and the shared bucket', () => {
    const clock = fakeClock();
    const limiter = defaultControllerRateLimiter({ baseDelayMs: 5, maxDelayMs: 1000, qps: 1, burst: 2, clock });
    assert.equal(limiter.when('a'), 5);
    assert.equal(limiter.when('b'), 5);
    // Bucket exhausted: the third retry (any key) waits for a token, longer than b's own 10 ms.
    assert.equal(limiter.when('b'), 1000);
    limiter.forget('b');
    assert.equal(limiter.numRequeues('b'), 0);
  });

  it('rejects nonsensical settings with a clear error', () => {
    assert.throws(() => new ItemExponentialLimiter({ baseMs: 0, maxMs: 10 }), /base .* must be > 0/);
    assert.throws(() => new TokenBucketLimiter({ qps: 0, burst: 1 }), /qps .* must be > 0/);
  });
});
