import assert from 'node:assert/strict';
import { createMetrics, METRIC_NAMES } from '../observability/metrics.ts';
import { pollUntil } from '../kube/test/helpers.ts';
import { ItemExponentialLimiter } from './ratelimit.ts';
import { WorkQueue } from './workqueue.ts';

describe('WorkQueue', () => {
  let queue: WorkQueue;
  afterEach(() => queue?.shutDown());

  it('collapses duplicate keys and hands them out in FIFO order', async () => {
    queue = new WorkQueue({ name: 't' });
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    assert.equal(queue.length, 2);
    assert.equal(await queue.get(), 'ns/a');
    assert.equal(await queue.get(), 'ns/b');
    assert.equal(queue.length, 0);
  });

  it('never hands out a key that is in flight; an add during processing re-queues it on done', async () => {
    queue = new WorkQueue({ name: 't' });
    queue.add('ns/a');
    assert.equal(await queue.get(), 'ns/a');
    queue.add('ns/a');
    queue.add('ns/a');
    assert.equal(queue.length, 0, 'in-flight key is only marked dirty');
    const abort = new AbortController();
    const second = queue.get(abort.signal);
    queue.add('ns/b');
    assert.equal(await second, 'ns/b', 'another worker gets other keys meanwhile');
    queue.done('ns/a');
    assert.equal(queue.length, 1);
    assert.equal(await queue.get(), 'ns/a');
    queue.done('ns/a');
    queue.done('ns/b');
    assert.equal(queue.length, 0, 'a key processed once after several adds is not queued again');
  });

  it('a key added once while in flight is processed exactly once more', async () => {
    queue = new WorkQueue({ name: 't' });
    queue.add('k');
    await queue.get();
    queue.add('k');
    queue.done('k');
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    assert.equal(queue.length, 0);
  });

  it('addAfter delays a key, and the earliest pending time wins', async () => {
    queue = new WorkQueue({ name: 't' });
    queue.addAfter('k', 60_000);
    queue.addAfter('k', 20);
    assert.equal(queue.length, 0);
    assert.equal(queue.pendingDelayed, 1);
    await pollUntil(() => queue.length === 1, 'delayed key to become ready');
    assert.equal(queue.pendingDelayed, 0);
  });

  it('addRateLimited backs off per key and forget resets the count', async () => {
    queue = new WorkQueue({ name: 't', rateLimiter: new ItemExponentialLimiter({ baseMs: 1, maxMs: 50 }) });
    queue.addRateLimited('k');
    queue.addRateLimited('k');
    assert.equal(queue.numRequeues('k'), 2);
    await pollUntil(() => queue.length === 1, 'rate-limited key to come back');
    queue.forget('k');
    assert.equal(queue.numRequeues('k'), 0);
  });

  it('get(signal) returns undefined on abort without consuming a later key', async () => {
    queue = new WorkQueue({ name: 't' });
    const abort = new AbortController();
    const pending = queue.get(abort.signal);
    abort.abort();
    assert.equal(await pending, undefined);
    queue.add('k');
    assert.equal(queue.length, 1);
  });

  it('shutDown releases waiting workers and ignores new keys', async () => {
    queue = new WorkQueue({ name: 't' });
    const waiting = queue.get();
    queue.addAfter('later', 60_000);
    queue.shutDown();
    assert.equal(await waiting, undefined);
    queue.add('k');
    assert.equal(queue.length, 0);
    assert.equal(queue.pendingDelayed, 0, 'delayed timers are cancelled');
  });

  it('records depth, adds, retries and wait time', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    queue = new WorkQueue({ name: 'mcpservers', metrics, rateLimiter: new ItemExponentialLimiter({ baseMs: 1, maxMs: 5 }) });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    const text1 = await metrics.registry.metrics();
    assert.match(text1, new RegExp(`${METRIC_NAMES.queueDepth}\\{name="mcpservers"\\} 2`));
    assert.match(text1, new RegExp(`${METRIC_NAMES.queueAdds}\\{name="mcpservers"\\} 2`));
    await queue.get();
    queue.addRateLimited('c');
    const text2 = await metrics.registry.metrics();
    assert.match(text2, new RegExp(`${METRIC_NAMES.queueWait}_count\\{name="mcpservers"\\} 1`));
    assert.match(text2, new RegExp(`${METRIC_NAMES.queueRetries}\\{name="mcpservers"\\} 1`));
    assert.match(text2, new RegExp(`${METRIC_NAMES.queueDepth}\\{name="mcpservers"\\} 1`));
  });
});
