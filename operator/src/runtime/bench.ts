// Benchmarks of the operator runtime; prints figures, asserts nothing.
//   node operator/src/runtime/bench.ts
// 1. queue + controller throughput with a no-op reconcile; 2. de-duplication under an event
// storm; 3. needsApply cost; 4. informer initial sync and watch-event latency against kube-sim.
import { performance } from 'node:perf_hooks';
import { createInformer } from '../kube/informer.ts';
import { needsApply } from '../kube/needs-apply.ts';
import { startTestCluster } from '../kube/test/sim.ts';
import type { KubeObject } from '../kube/types.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { Controller } from './controller.ts';
import { WorkQueue } from './workqueue.ts';

const logger = createLogger({ level: 'error' });

function report(name: string, value: number, unit: string): void {
  console.log(`${name.padEnd(58)} ${value.toFixed(value < 10 ? 2 : 0).padStart(10)} ${unit}`);
}

async function drain(queue: WorkQueue, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('benchmark did not finish within 60 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  void queue;
}

async function queueThroughput(keys: number, workers: number): Promise<void> {
  const metrics = createMetrics({ defaultMetrics: false });
  const queue = new WorkQueue({ name: 'bench', metrics });
  let processed = 0;
  const controller = new Controller({ name: 'bench', queue, workers, logger, metrics, reconcile: async () => void processed++ });
  const start = performance.now();
  for (let i = 0; i < keys; i++) queue.add(`ns/obj-${i}`);
  controller.start();
  await drain(queue, () => processed >= keys);
  const seconds = (performance.now() - start) / 1000;
  await controller.stop();
  queue.shutDown();
  report(`queue+controller, ${keys} keys, ${workers} workers`, keys / seconds, 'reconciles/s');
}

async function dedupStorm(adds: number, distinct: number): Promise<void> {
  const queue = new WorkQueue({ name: 'bench' });
  let processed = 0;
  const controller = new Controller({ name: 'bench', queue, workers: 4, logger, reconcile: async () => void processed++ });
  controller.start();
  // Bursts of 10 events per key between event-loop turns, like a relist or a flapping child.
  const burst = distinct * 10;
  for (let i = 0; i < adds; i++) {
    queue.add(`ns/obj-${i % distinct}`);
    if ((i + 1) % burst === 0) await new Promise((r) => setImmediate(r));
  }
  await drain(queue, () => queue.length === 0 && queue.inFlight === 0);
  await controller.stop();
  queue.shutDown();
  report(`event storm: ${adds} adds over ${distinct} keys → reconciles`, processed, 'reconciles');
}

function needsApplyCost(iterations: number): void {
  const desired: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'w', namespace: 'n', labels: { a: 'b', c: 'd' } },
    spec: { replicas: 2, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 's', image: 'i:1', env: Array.from({ length: 20 }, (_, i) => ({ name: `E${i}`, value: `v${i}` })) }] } } },
  };
  const envOwned = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k:{"name":"E${i}"}`, { '.': {}, 'f:name': {}, 'f:value': {} }]));
  const live: KubeObject = {
    ...structuredClone(desired),
    metadata: {
      name: 'w',
      namespace: 'n',
      labels: { a: 'b', c: 'd' },
      managedFields: [
        {
          manager: 'mcpfleet-operator',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:a': {}, 'f:c': {} } },
            'f:spec': { 'f:replicas': {}, 'f:selector': {}, 'f:template': { 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"s"}': { '.': {}, 'f:name': {}, 'f:image': {}, 'f:env': envOwned } } } } },
          },
        },
      ],
    },
  };
  if (needsApply(desired, live, 'mcpfleet-operator')) throw new Error('bench fixture should be in sync');
  const start = performance.now();
  for (let i = 0; i < iterations; i++) needsApply(desired, live, 'mcpfleet-operator');
  report('needsApply on an in-sync Deployment (20 env vars)', iterations / ((performance.now() - start) / 1000), 'checks/s');
}

async function informerAgainstSim(objects: number, updates: number): Promise<void> {
  const cluster = await startTestCluster();
  try {
    const writer = cluster.client('writer');
    for (let i = 0; i < objects; i++) {
      await writer.create('/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { bench: 'yes' } }, data: { v: '0' } });
    }
    const seen = new Map<string, number>();
    let synced = false;
    const informer = createInformer<KubeObject>({
      client: cluster.client('informer'),
      path: '/api/v1/configmaps',
      labelSelector: 'bench=yes',
      stallTimeoutMs: 60_000,
      backoff: { initialMs: 100, maxMs: 1_000 },
      onChange: (obj) => seen.set(`${obj.metadata?.name}@${(obj as { data?: { v?: string } }).data?.v}`, performance.now()),
      onSynced: () => (synced = true),
      logger,
    });
    const start = performance.now();
    informer.start();
    while (!synced) await new Promise((r) => setTimeout(r, 2));
    report(`informer initial list+sync of ${objects} objects (pages of 500)`, performance.now() - start, 'ms');
    const latencies: number[] = [];
    for (let i = 0; i < updates; i++) {
      const name = `cm-${i % objects}`;
      const sent = performance.now();
      await writer.patch(`/api/v1/namespaces/team-a/configmaps/${name}`, { data: { v: String(i + 1) } }, 'application/merge-patch+json');
      const key = `${name}@${i + 1}`;
      const deadline = Date.now() + 10_000;
      while (!seen.has(key)) {
        if (Date.now() > deadline) throw new Error(`event for ${key} not seen`);
        await new Promise((r) => setImmediate(r));
      }
      latencies.push(seen.get(key)! - sent);
    }
    latencies.sort((a, b) => a - b);
    report(`write → watch event latency, p50 over ${updates} updates`, latencies[Math.floor(updates * 0.5)]!, 'ms');
    report(`write → watch event latency, p99 over ${updates} updates`, latencies[Math.floor(updates * 0.99)]!, 'ms');
    await informer.stop();
  } finally {
    await cluster.stop();
  }
}

await queueThroughput(50_000, 4);
await dedupStorm(100_000, 1_000);
needsApplyCost(50_000);
await informerAgainstSim(2_000, 300);
