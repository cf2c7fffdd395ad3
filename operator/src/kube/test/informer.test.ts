import assert from 'node:assert/strict';
import { createMetrics, METRIC_NAMES, type OperatorMetrics } from '../../observability/metrics.ts';
import type { KubeClient } from '../client.ts';
import { createInformer, type ChangeKind, type Informer } from '../informer.ts';
import type { KubeObject } from '../types.ts';
import { captureLogs, pollUntil } from './helpers.ts';
import { startTestCluster, type TestCluster } from './sim.ts';

const LABEL = 'informer-test';

describe('informer against kube-sim', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let writer: KubeClient;
  let informer: Informer<KubeObject> | undefined;
  let events: [ChangeKind, string, string | undefined][];
  let metrics: OperatorMetrics;
  let synced: number;
  let ns: string;
  let nsCounter = 0;

  before(async () => {
    cluster = await startTestCluster({ bookmarkIntervalMs: 200 });
    writer = cluster.client('writer');
  });
  after(async () => {
    await cluster?.stop();
  });
  beforeEach(async () => {
    // A fresh namespace per test keeps tests independent of each other's objects.
    ns = `inf-${++nsCounter}`;
    await writer.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    cluster.sim.faults.clear();
    events = [];
    synced = 0;
    metrics = createMetrics({ defaultMetrics: false });
  });
  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    cluster.sim.faults.clear();
  });

  function start(opts: { stallTimeoutMs?: number; resyncPeriodMs?: number } = {}): Informer<KubeObject> {
    informer = createInformer<KubeObject>({
      client: cluster.client('informer'),
      path: `/api/v1/namespaces/${ns}/configmaps`,
      name: 'configmaps',
      labelSelector: `${LABEL}=yes`,
      stallTimeoutMs: opts.stallTimeoutMs ?? 20_000,
      resyncPeriodMs: opts.resyncPeriodMs,
      backoff: { initialMs: 20, maxMs: 200 },
      pageSize: 2,
      onChange: (obj, kind) => events.push([kind, obj.metadata?.name ?? '', obj.metadata?.resourceVersion]),
      onSynced: () => synced++,
      logger: captureLogs('error').logger,
      metrics,
    });
    informer.start();
    return informer;
  }

  async function cm(name: string, data: Record<string, string> = {}, labelled = true): Promise<KubeObject> {
    return writer.create(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: labelled ? { [LABEL]: 'yes' } : {} }, data });
  }

  async function update(name: string, data: Record<string, string>): Promise<KubeObject> {
    return writer.patch(`/api/v1/namespaces/${ns}/configmaps/${name}`, { data }, 'application/merge-patch+json');
  }

  async function remove(name: string): Promise<void> {
    await writer.delete(`/api/v1/namespaces/${ns}/configmaps/${name}`);
  }

  async function restarts(reason: string): Promise<number> {
    const m = await metrics.registry.getSingleMetric(METRIC_NAMES.informerRestarts)?.get();
    return m?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  }

  const kinds = (name: string) => events.filter((e) => e[1] === name).map((e) => e[0]);

  it('lists (all pages), syncs once, then delivers add/update/delete for matching objects only', async () => {
    for (const name of ['a', 'b', 'c']) await cm(name);
    await cm('unlabelled', {}, false);
    const inf = start();
    await pollUntil(() => inf.hasSynced(), 'sync');
    assert.equal(synced, 1);
    assert.deepEqual(inf.list().map((o) => o.metadata?.name).sort(), ['a', 'b', 'c']);
    assert.deepEqual(events.map((e) => e[0]), ['add', 'add', 'add']);
    await cm('d');
    await update('a', { x: '1' });
    await remove('b');
    await cm('unlabelled-2', {}, false);
    await pollUntil(() => kinds('d').includes('add') && kinds('a').includes('update') && kinds('b').includes('delete'), 'watch events');
    assert.equal(inf.get(ns, 'a')?.data !== undefined, true);
    assert.equal(inf.get(ns, 'b'), undefined);
    assert.ok(!events.some((e) => e[1].startsWith('unlabelled')), 'label selector applies');
  });

  it('re-watches after a dropped stream without losing or re-announcing objects', async () => {
    await cm('stable');
    const inf = start();
    await pollUntil(() => inf.hasSynced(), 'sync');
    await pollUntil(() => cluster.sim.faults.activeWatchCount() > 0, 'watch open');
    cluster.sim.faults.dropActiveWatches({ resource: 'configmaps' });
    await pollUntil(async () => (await restarts('closed')) >= 1, 'restart after drop');
    await cm('after-drop');
    await pollUntil(() => kinds('after-drop').includes('add'), 'event after re-watch');
    assert.deepEqual(kinds('stable'), ['add'], 'no duplicate add for an unchanged object');
  });

  it('relists after 410 Gone and emits exactly the changes it missed', async () => {
    await cm('keep');
    await cm('will-change');
    await cm('will-vanish');
    const inf = start();
    await pollUntil(() => inf.hasSynced(), 'sync');
    await pollUntil(() => cluster.sim.faults.activeWatchCount() > 0, 'watch open');
    // Freeze the stream, change things behind its back, expire its resourceVersion, then cut it.
    cluster.sim.faults.silenceActiveWatches({ resource: 'configmaps' });
    await update('will-change', { v: '2' });
    await remove('will-vanish');
    await cm('appeared');
    cluster.sim.store.compact(0);
    cluster.sim.faults.dropActiveWatches({ resource: 'configmaps' });
    await pollUntil(() => kinds('appeared').includes('add') && kinds('will-vanish').includes('delete') && kinds('will-change').includes('update'), 'relist diff');
    assert.ok((await restarts('expired')) >= 1, 'counted as an expired restart');
    assert.deepEqual(kinds('keep'), ['add'], 'unchanged objects produce no events on relist');
    assert.equal(synced, 1, 'onSynced only once');
    assert.deepEqual(inf.list().map((o) => o.metadata?.name).sort(), ['appeared', 'keep', 'will-change']);
  });

  it('relists when the server answers a watch with 410 (forced)', async () => {
    const inf = start();
    await pollUntil(() => inf.hasSynced(), 'sync');
    cluster.sim.faults.addWatchFault({ action: 'gone', resource: 'configmaps', times: 1 });
    cluster.sim.faults.dropActiveWatches({ resource: 'configmaps' });
    await pollUntil(async () => (await restarts('expired')) >= 1, 'expired restart');
    await cm('after-gone');
    await pollUntil(() => kinds('after-gone').includes('add'), 'events after relist');
  });

  it('detects a watch that goes silent without closing and re-watches (watchdog)', async () => {
    const inf = start({ stallTimeoutMs: 1_000 });
    await pollUntil(() => inf.hasSynced(), 'sync');
    await pollUntil(() => cluster.sim.faults.activeWatchCount() > 0, 'watch open');
    cluster.sim.faults.silenceActiveWatches({ resource: 'configmaps' });
    await cm('during-silence');
    await pollUntil(async () => (await restarts('stall')) >= 1, 'stall detected');
    await pollUntil(() => kinds('during-silence').includes('add'), 'the missed event arrives after the re-watch');
  });

  it('retries a failing list with backoff until it syncs', async () => {
    cluster.sim.faults.addError({ verb: 'list', resource: 'configmaps', namespace: ns, code: 500, times: 2 });
    await cm('x');
    const inf = start();
    await pollUntil(() => inf.hasSynced(), 'sync after errors');
    assert.equal(await restarts('error'), 2);
    assert.deepEqual(kinds('x'), ['add']);
  });

  it('requests bookmarks and follows them to the newest resourceVersion', async () => {
    const inf = start();
    await pollUntil(() => inf.hasSynced(), 'sync');
    const before = Number(inf.lastResourceVersion());
    // A change elsewhere moves the global resourceVersion; only a bookmark can tell our watch.
    const other = await writer.create<KubeObject>('/api/v1/namespaces/team-b/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${ns}` } });
    const target = Number(other.metadata?.resourceVersion);
    assert.ok(target > before);
    await pollUntil(() => Number(inf.lastResourceVersion()) >= target, 'bookmark to advance the resourceVersion');
    const m = await metrics.registry.getSingleMetric(METRIC_NAMES.informerEvents)?.get();
    assert.ok((m?.values.find((v) => v.labels.type === 'BOOKMARK')?.value ?? 0) >= 1);
  });

  it('re-delivers cached objects on the resync period', async () => {
    await cm('r');
    start({ resyncPeriodMs: 100 });
    await pollUntil(() => kinds('r').filter((k) => k === 'resync').length >= 2, 'two resyncs');
    assert.equal(kinds('r')[0], 'add');
  });

  it('stop() ends the loop and closes the watch', async () => {
    const inf = start();
    await pollUntil(() => inf.hasSynced(), 'sync');
    await pollUntil(() => cluster.sim.faults.activeWatchCount() > 0, 'watch open');
    await inf.stop();
    informer = undefined;
    await pollUntil(() => cluster.sim.faults.activeWatchCount() === 0, 'watch closed on the server');
    const count = events.length;
    await cm('after-stop');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(events.length, count);
  });
  it('keeps its owner index in step with the cache through list, watch updates and deletes', async () => {
    const owned = (name: string, uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { [LABEL]: 'yes' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-1', uid, controller: true }] } });
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    // Real owners: the garbage collector removes children whose owner does not exist.
    const [uid1, uid2] = await Promise.all(['owner-1', 'owner-2'].map(async (name) => (await writer.create<KubeObject>(path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } })).metadata!.uid!));
    await writer.create(path, owned('listed', uid1!));
    informer = createInformer<KubeObject>({
      client: cluster.client('informer'),
      path,
      labelSelector: `${LABEL}=yes`,
      stallTimeoutMs: 20_000,
      backoff: { initialMs: 20, maxMs: 200 },
      indexBy: (obj) => obj.metadata?.ownerReferences?.map((r) => r.uid) ?? [],
      onChange: () => undefined,
      logger: captureLogs('error').logger,
    });
    informer.start();
    const inIndex = (uid: string) => informer!.byIndex(uid).map((o) => o.metadata?.name).sort().join(',');
    await pollUntil(() => inIndex(uid1!) === 'listed', 'listed object indexed');
    await writer.create(path, owned('watched', uid1!));
    await pollUntil(() => inIndex(uid1!) === 'listed,watched', 'watched object indexed');
    await writer.patch(`${path}/watched`, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-2', uid: uid2!, controller: true }] } }, 'application/merge-patch+json');
    await pollUntil(() => inIndex(uid1!) === 'listed' && inIndex(uid2!) === 'watched', 're-filed under its new owner');
    await writer.delete(`${path}/listed`);
    await pollUntil(() => inIndex(uid1!) === '', 'deleted object unindexed');
    assert.equal(inIndex(uid2!), 'watched');
  });
});
