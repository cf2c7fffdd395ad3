import assert from 'node:assert/strict';
import { NotLeaderError } from '../kube/errors.ts';
import { captureLogs, pollUntil } from '../kube/test/helpers.ts';
import { createMetrics, METRIC_NAMES } from '../observability/metrics.ts';
import { Controller, type ReconcileFn } from './controller.ts';
import { ItemExponentialLimiter } from './ratelimit.ts';
import { WorkQueue } from './workqueue.ts';

function setup(reconcile: ReconcileFn, workers = 3) {
  const { logger, lines } = captureLogs();
  const metrics = createMetrics({ defaultMetrics: false });
  const queue = new WorkQueue({ name: 'test', metrics, rateLimiter: new ItemExponentialLimiter({ baseMs: 1, maxMs: 20 }) });
  const controller = new Controller({ name: 'test', queue, workers, reconcile, logger, metrics });
  return { queue, controller, metrics, lines };
}

async function metricValue(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const v = metric?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

describe('Controller', () => {
  let stopAll: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopAll?.();
    stopAll = undefined;
  });

  it('runs at most one reconcile per key at a time, and re-runs a key added meanwhile', async () => {
    const active = new Map<string, number>();
    let maxConcurrentSameKey = 0;
    let maxConcurrentTotal = 0;
    const runs = new Map<string, number>();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { queue, controller } = setup(async (key) => {
      active.set(key, (active.get(key) ?? 0) + 1);
      maxConcurrentSameKey = Math.max(maxConcurrentSameKey, active.get(key) ?? 0);
      maxConcurrentTotal = Math.max(maxConcurrentTotal, [...active.values()].reduce((a, b) => a + b, 0));
      runs.set(key, (runs.get(key) ?? 0) + 1);
      if (key === 'ns/slow' && runs.get(key) === 1) await gate;
      active.set(key, (active.get(key) ?? 1) - 1);
    });
    stopAll = async () => {
      await controller.stop();
      queue.shutDown();
    };
    controller.start();
    queue.add('ns/slow');
    await pollUntil(() => runs.get('ns/slow') === 1, 'first reconcile of ns/slow');
    for (let i = 0; i < 10; i++) queue.add('ns/slow');
    queue.add('ns/a');
    queue.add('ns/b');
    await pollUntil(() => runs.get('ns/a') === 1 && runs.get('ns/b') === 1, 'other keys to proceed while ns/slow is in flight');
    assert.equal(runs.get('ns/slow'), 1);
    release();
    await pollUntil(() => runs.get('ns/slow') === 2, 'ns/slow to run once more');
    await pollUntil(() => queue.inFlight === 0, 'queue to settle');
    assert.equal(runs.get('ns/slow'), 2, 'ten adds during processing collapse into one more run');
    assert.equal(maxConcurrentSameKey, 1);
    assert.ok(maxConcurrentTotal >= 2, 'different keys run in parallel');
  });

  it('retries a failing key with backoff, counts errors, and forgets the backoff on success', async () => {
    let attempts = 0;
    const { queue, controller, metrics, lines } = setup(async () => {
      attempts++;
      if (attempts <= 3) throw new Error(`boom ${attempts}`);
    }, 1);
    stopAll = async () => {
      await controller.stop();
      queue.shutDown();
    };
    controller.start();
    queue.add('ns/x');
    await pollUntil(() => attempts === 4 && queue.inFlight === 0, 'four attempts');
    assert.equal(await metricValue(metrics, METRIC_NAMES.reconcileErrors, { controller: 'test' }), 3);
    assert.equal(await metricValue(metrics, METRIC_NAMES.reconcileTotal, { controller: 'test', result: 'error' }), 3);
    assert.equal(await metricValue(metrics, METRIC_NAMES.reconcileTotal, { controller: 'test', result: 'success' }), 1);
    assert.equal(queue.numRequeues('ns/x'), 0, 'success forgets the backoff');
    const errorLine = lines.find((l) => l.message === 'reconcile failed; retrying with backoff');
    assert.ok(errorLine, 'error is logged');
    assert.equal(errorLine.error, 'boom 1');
    assert.equal(errorLine.namespace, 'ns');
    assert.equal(errorLine.name, 'x');
    assert.equal(typeof errorLine.reconcileId, 'string');
  });

  it('honours requeueAfterMs', async () => {
    let runs = 0;
    const { queue, controller, metrics } = setup(async () => {
      runs++;
      return runs === 1 ? { requeueAfterMs: 10 } : undefined;
    }, 1);
    stopAll = async () => {
      await controller.stop();
      queue.shutDown();
    };
    controller.start();
    queue.add('ns/r');
    await pollUntil(() => runs === 2, 'requeued reconcile');
    assert.equal(await metricValue(metrics, METRIC_NAMES.reconcileTotal, { controller: 'test', result: 'requeue' }), 1);
  });

  it('gives every reconcile its own id and a logger with namespace and name', async () => {
    const ids: string[] = [];
    const { queue, controller, lines } = setup(async (_key, ctx) => {
      ids.push(ctx.reconcileId);
      ctx.logger.info('inside reconcile');
    }, 1);
    stopAll = async () => {
      await controller.stop();
      queue.shutDown();
    };
    controller.start();
    queue.add('team-a/weather');
    await pollUntil(() => ids.length === 1, 'first reconcile');
    queue.add('team-a/weather');
    await pollUntil(() => ids.length === 2, 'second reconcile');
    assert.notEqual(ids[0], ids[1]);
    const inside = lines.filter((l) => l.message === 'inside reconcile');
    assert.deepEqual(
      inside.map((l) => [l.namespace, l.name, l.controller, l.reconcileId]),
      ids.map((id) => ['team-a', 'weather', 'test', id]),
    );
  });

  it('stop() waits for in-flight reconciles, aborts their signal, and takes no new keys until started again', async () => {
    const seen: string[] = [];
    let sawAbort = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { queue, controller } = setup(async (key, ctx) => {
      seen.push(key);
      if (key === 'ns/long') {
        await gate;
        sawAbort = ctx.signal.aborted;
      }
    }, 2);
    stopAll = async () => {
      await controller.stop();
      queue.shutDown();
    };
    controller.start();
    queue.add('ns/long');
    await pollUntil(() => seen.includes('ns/long'), 'long reconcile to start');
    const stopped = controller.stop();
    let stopResolved = false;
    void stopped.then(() => (stopResolved = true));
    queue.add('ns/while-stopped');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(stopResolved, false, 'stop waits for the in-flight reconcile');
    release();
    await stopped;
    assert.equal(sawAbort, true);
    assert.ok(!seen.includes('ns/while-stopped'));
    assert.equal(queue.length, 1, 'the key waits for the next leader term');
    controller.start();
    await pollUntil(() => seen.includes('ns/while-stopped'), 'key processed after restart');
  });

  it('treats NotLeaderError as an interruption: not an error, retried with backoff (no spin), key kept', async () => {
    let leader = false;
    let runs = 0;
    const { queue, controller, metrics } = setup(async () => {
      runs++;
      if (!leader) throw new NotLeaderError('apply Deployment ns/x');
    }, 1);
    stopAll = async () => {
      await controller.stop();
      queue.shutDown();
    };
    controller.start();
    queue.add('ns/x');
    await pollUntil(() => runs >= 3, 'a few attempts');
    await controller.stop();
    // The limiter caps at 20 ms here; without backoff this loop would have run thousands of times.
    assert.ok(runs < 1000, `spun ${runs} times`);
    assert.equal(await metricValue(metrics, METRIC_NAMES.reconcileErrors, { controller: 'test' }), 0);
    assert.ok((await metricValue(metrics, METRIC_NAMES.reconcileTotal, { controller: 'test', result: 'not_leader' })) >= 3);
    assert.ok(queue.numRequeues('ns/x') >= 3, 'backoff applies');
    leader = true;
    controller.start();
    await pollUntil(async () => (await metricValue(metrics, METRIC_NAMES.reconcileTotal, { controller: 'test', result: 'success' })) === 1, 'success once leader');
  });

  it('rejects an invalid worker count', () => {
    const { queue } = setup(async () => undefined);
    assert.throws(() => new Controller({ name: 'x', queue, workers: 0, reconcile: async () => undefined, logger: captureLogs().logger }), /workers must be an integer ≥ 1/);
    queue.shutDown();
  });
});
