// The same behaviour contract for both store backends; Redis runs as a real redis-server.
import assert from 'node:assert/strict';
import { createLogger } from '../../kit/logger.ts';
import { connectRedis } from '../../kit/redis.ts';
import type { TestRedis } from '../../kit/testRedis.ts';
import { startTestRedis } from '../../kit/testRedis.ts';
import type { KvStore } from '../lib/store.ts';
import { MemoryKvStore, RedisKvStore, StoreFullError, escapeRedisGlob } from '../lib/store.ts';
import { PassThrough } from 'node:stream';

const quietLogger = () => {
  const sink = new PassThrough();
  sink.resume();
  return createLogger({ stream: sink });
};

function contract(name: string, open: () => Promise<KvStore>) {
  describe(`${name} store`, function () {
    this.timeout(30_000);
    let store: KvStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('sets, gets, overwrites and deletes', async () => {
      assert.equal(await store.get('a'), undefined);
      await store.set('a', 'one');
      assert.equal(await store.get('a'), 'one');
      await store.set('a', 'two');
      assert.equal(await store.get('a'), 'two');
      assert.equal(await store.delete('a'), true);
      assert.equal(await store.delete('a'), false);
      assert.equal(await store.get('a'), undefined);
    });

    it('lists keys by literal prefix, sorted and bounded', async () => {
      for (const key of ['user:2', 'user:1', 'user:3', 'session:1', 'u*ser', 'user:[x]']) await store.set(key, 'v');
      assert.deepEqual(await store.list('user:', 10), { keys: ['user:1', 'user:2', 'user:3', 'user:[x]'], truncated: false });
      assert.deepEqual(await store.list('user:', 2), { keys: ['user:1', 'user:2'], truncated: true });
      assert.deepEqual(await store.list('u*', 10), { keys: ['u*ser'], truncated: false });
      assert.deepEqual(await store.list('nothing', 10), { keys: [], truncated: false });
    });

    it('expires values after their TTL', async () => {
      await store.set('short', 'v', 1);
      assert.equal(await store.get('short'), 'v');
      const deadline = Date.now() + 10_000;
      while ((await store.get('short')) !== undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await store.get('short'), undefined);
    });
  });
}

contract('memory', async () => new MemoryKvStore({ maxKeys: 100 }));

describe('redis-backed store', function () {
  this.timeout(30_000);
  let redis: TestRedis;
  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await redis?.close();
  });
  contract('redis', async () => {
    const client = await connectRedis(redis.url, quietLogger());
    await client.flushAll();
    return new RedisKvStore(client);
  });
});

describe('memory store limits', () => {
  it('refuses new keys when full but allows overwrites', async () => {
    const store = new MemoryKvStore({ maxKeys: 2 });
    await store.set('a', '1');
    await store.set('b', '2');
    await assert.rejects(store.set('c', '3'), StoreFullError);
    await store.set('a', 'again');
    assert.equal(await store.get('a'), 'again');
  });

  it('bounds the bytes it holds: 10,000 × 64 KiB values stop at KV_MAX_TOTAL_BYTES, and deletes free room', async () => {
    const store = new MemoryKvStore({ maxKeys: 10_000, maxTotalBytes: 8 * 1024 * 1024 });
    const value = 'v'.repeat(64 * 1024);
    let stored = 0;
    let refusal: unknown;
    for (let i = 0; i < 10_000; i += 1) {
      try {
        await store.set(`key:${i}`, value);
        stored += 1;
      } catch (error) {
        refusal = error;
        break;
      }
    }
    assert.ok(refusal instanceof StoreFullError && /KV_MAX_TOTAL_BYTES/.test(refusal.message), String(refusal));
    assert.equal(stored, 63);
    assert.ok(store.bytes <= 8 * 1024 * 1024);
    // Overwriting with a value of the same size fits; a new key fits once one is deleted.
    await store.set('key:0', value.replace(/^v/, 'w'));
    await assert.rejects(store.set('another', value), StoreFullError);
    await store.delete('key:1');
    await store.set('another', value);
    assert.equal(await store.get('another'), value);
  });

  it('escapes Redis glob characters', () => {
    assert.equal(escapeRedisGlob('a*b?c[d]\\'), 'a\\*b\\?c\\[d\\]\\\\');
  });
});
