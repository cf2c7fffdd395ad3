// The runtime wired end to end, as main.ts wires it for McpServer: informers (owner + owned
// kind) → keys → work queue → controller → applier, gated by leader election, with the health
// server. A toy reconciler (Gadget → ConfigMap + status) stands in for the McpServer one.
import assert from 'node:assert/strict';
import { Applier } from '../../kube/apply.ts';
import type { KubeClient } from '../../kube/client.ts';
import { createInformer, type Informer } from '../../kube/informer.ts';
import { objectKey, ownerKeyOf, parseKey } from '../../kube/keys.ts';
import { ResourceResolver } from '../../kube/resources.ts';
import { captureLogs, pollUntil } from '../../kube/test/helpers.ts';
import { startTestCluster, type TestCluster } from '../../kube/test/sim.ts';
import type { KubeObject } from '../../kube/types.ts';
import { startHealthServer, type HealthServer } from '../../observability/health.ts';
import { createMetrics, METRIC_NAMES, type OperatorMetrics } from '../../observability/metrics.ts';
import { Controller } from '../controller.ts';
import { LeaderElector } from '../leader.ts';
import { WorkQueue } from '../workqueue.ts';

const GADGETS = '/apis/test.mcpfleet.dev/v1/gadgets';
const MANAGED = 'app.kubernetes.io/managed-by=mcpfleet-test';

describe('runtime end to end against kube-sim', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let metrics: OperatorMetrics;
  let gadgets: Informer<KubeObject>;
  let configMaps: Informer<KubeObject>;
  let queue: WorkQueue;
  let controller: Controller;
  let elector: LeaderElector;
  let health: HealthServer;
  let user: KubeClient;
  let reconciles = 0;

  before(async () => {
    cluster = await startTestCluster({ bookmarkIntervalMs: 500 });
    user = cluster.client('kubectl');
    const { logger } = captureLogs('warn');
    metrics = createMetrics({ defaultMetrics: false });
    const client = cluster.client('operator');
    const resources = new ResourceResolver({ client });
    queue = new WorkQueue({ name: 'gadgets', metrics });
    const common = { client, stallTimeoutMs: 30_000, backoff: { initialMs: 50, maxMs: 1_000 }, logger, metrics };
    gadgets = createInformer<KubeObject>({ ...common, path: GADGETS, name: 'gadgets', resyncPeriodMs: 300, onChange: (obj) => queue.add(objectKey(obj)) });
    configMaps = createInformer<KubeObject>({
      ...common,
      path: '/api/v1/configmaps',
      name: 'configmaps',
      labelSelector: MANAGED,
      onChange: (obj) => {
        const owner = ownerKeyOf(obj, { group: 'test.mcpfleet.dev', kind: 'Gadget' });
        if (owner) queue.add(owner);
      },
    });
    elector = new LeaderElector({
      client,
      namespace: 'team-a',
      name: 'runtime-e2e',
      identity: 'op-0',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 500,
      onStartedLeading: () => controller.start(),
      onStoppedLeading: () => void controller.stop(),
      logger,
      metrics,
    });
    const applier = new Applier({ client, resources, canWrite: () => elector.isLeader() });
    controller = new Controller({
      name: 'gadget',
      queue,
      workers: 2,
      logger,
      metrics,
      reconcile: async (key) => {
        reconciles++;
        const { namespace, name } = parseKey(key);
        const gadget = gadgets.get(namespace, name);
        if (!gadget) return; // deleted: garbage collection removes the children
        const spec = gadget.spec as { size?: number };
        const desired: KubeObject = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `${name}-config`,
            namespace,
            labels: { 'app.kubernetes.io/managed-by': 'mcpfleet-test', 'app.kubernetes.io/instance': name },
            ownerReferences: [{ apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', name, uid: gadget.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
          },
          data: { size: String(spec.size ?? 0) },
        };
        await applier.applyIfNeeded(desired, configMaps.get(namespace, `${name}-config`));
        const status = { observedGeneration: gadget.metadata?.generation, conditions: [{ type: 'Ready', status: 'True', reason: 'Configured' }] };
        await applier.applyStatus({ apiVersion: gadget.apiVersion, kind: gadget.kind, metadata: { name, namespace }, status }, gadget);
      },
    });
    health = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      readiness: { 'informer:gadgets': () => gadgets.hasSynced(), 'informer:configmaps': () => configMaps.hasSynced() },
      logger,
    });
    gadgets.start();
    configMaps.start();
    elector.start();
  });

  after(async () => {
    await controller?.stop();
    await elector?.stop();
    queue?.shutDown();
    await gadgets?.stop();
    await configMaps?.stop();
    await health?.close();
    await cluster?.stop();
  });

  it('becomes ready once the informers sync', async () => {
    await pollUntil(async () => (await fetch(`${health.url}/readyz`)).status === 200, '/readyz 200');
  });

  it('reconciles a new object: child created with a controller reference, status written', async () => {
    await user.create(`/apis/test.mcpfleet.dev/v1/namespaces/team-a/gadgets`, { apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 3 } });
    const cm = await pollUntil(() => user.get<KubeObject>('/api/v1/namespaces/team-a/configmaps/g1-config'), 'child ConfigMap');
    assert.deepEqual(cm.data, { size: '3' });
    assert.equal(cm.metadata?.ownerReferences?.[0]?.controller, true);
    await pollUntil(async () => {
      const g = await user.get<KubeObject>('/apis/test.mcpfleet.dev/v1/namespaces/team-a/gadgets/g1');
      return (g?.status as { observedGeneration?: number } | undefined)?.observedGeneration === g?.metadata?.generation;
    }, 'status observedGeneration');
  });

  it('makes zero writes on steady-state resyncs', async () => {
    // Let the status write and its watch event settle, then measure over several resyncs.
    await pollUntil(() => queue.length === 0 && queue.inFlight === 0 && gadgets.get('team-a', 'g1')?.status !== undefined, 'idle');
    await new Promise((r) => setTimeout(r, 200));
    cluster.sim.accounting.reset();
    const before = reconciles;
    await pollUntil(() => reconciles >= before + 3, 'three resync reconciles');
    const writes = ['create', 'update', 'patch', 'delete'].map((verb) => cluster.sim.accounting.count({ userAgent: 'operator', verb, resource: 'configmaps' }) + cluster.sim.accounting.count({ userAgent: 'operator', verb, resource: 'gadgets.test.mcpfleet.dev' }));
    assert.deepEqual(writes, [0, 0, 0, 0], JSON.stringify(cluster.sim.accounting.snapshot()));
  });

  it('maps a child event to its owner: a deleted child is recreated', async () => {
    const old = await user.get<KubeObject>('/api/v1/namespaces/team-a/configmaps/g1-config');
    assert.ok(old?.metadata?.uid);
    await user.delete('/api/v1/namespaces/team-a/configmaps/g1-config');
    await pollUntil(async () => {
      const uid = (await user.get<KubeObject>('/api/v1/namespaces/team-a/configmaps/g1-config'))?.metadata?.uid;
      return uid !== undefined && uid !== old.metadata?.uid;
    }, 'child recreated');
  });

  it('a spec change flows through: child updated', async () => {
    await user.patch('/apis/test.mcpfleet.dev/v1/namespaces/team-a/gadgets/g1', { spec: { size: 7 } }, 'application/merge-patch+json');
    await pollUntil(async () => {
      const cm = await user.get<KubeObject & { data?: Record<string, string> }>('/api/v1/namespaces/team-a/configmaps/g1-config');
      return cm?.data?.size === '7';
    }, 'child updated');
    const text = await metrics.registry.metrics();
    assert.match(text, new RegExp(`${METRIC_NAMES.leaderStatus}\\{lease="runtime-e2e"\\} 1`));
    assert.match(text, new RegExp(`${METRIC_NAMES.reconcileTotal}\\{controller="gadget",result="success"\\} \\d+`));
    assert.match(text, new RegExp(`${METRIC_NAMES.informerSynced}\\{informer="gadgets"\\} 1`));
  });
});
