import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { Applier, APPLY_PATCH_CONTENT_TYPE } from '../apply.ts';
import { KubeClient } from '../client.ts';
import { NotLeaderError } from '../errors.ts';
import { needsApply } from '../needs-apply.ts';
import { ResourceResolver } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { startTestCluster, type TestCluster } from './sim.ts';

function deployment(name: string, image: string, replicas?: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'team-a', labels: { 'app.kubernetes.io/instance': name } },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { 'app.kubernetes.io/instance': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/instance': name } },
        spec: { containers: [{ name: 'server', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
}

describe('Applier wire format', () => {
  let server: http.Server | undefined;
  after(() => server?.close());

  it('sends PATCH with application/apply-patch+yaml, fieldManager=mcpfleet-operator, force=true and no server-owned metadata', async () => {
    const seen: { method?: string; url?: string; contentType?: string; body?: Record<string, unknown> }[] = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body: JSON.parse(body || '{}') as Record<string, unknown> });
        res.setHeader('content-type', 'application/json');
        res.end(body);
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const client = new KubeClient({ kc });
    const applier = new Applier({ client, resources: new ResourceResolver({ client }), canWrite: () => true });
    const obj = deployment('wire', 'img:1', 1);
    obj.metadata = { ...obj.metadata, resourceVersion: '5', uid: 'u', managedFields: [{ manager: 'x' }] };
    await applier.apply(obj);
    await applier.applyStatus({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'wire', namespace: 'team-a' }, status: { observedGeneration: 1 } });
    assert.equal(seen.length, 2);
    const [main, status] = seen;
    assert.equal(main!.method, 'PATCH');
    assert.equal(main!.contentType, APPLY_PATCH_CONTENT_TYPE);
    const url = new URL(main!.url!, 'http://x');
    assert.equal(url.pathname, '/apis/apps/v1/namespaces/team-a/deployments/wire');
    assert.equal(url.searchParams.get('fieldManager'), 'mcpfleet-operator');
    assert.equal(url.searchParams.get('force'), 'true');
    const meta = main!.body!.metadata as Record<string, unknown>;
    assert.equal(meta.managedFields, undefined);
    assert.equal(meta.resourceVersion, undefined);
    assert.equal(meta.uid, undefined);
    assert.equal(new URL(status!.url!, 'http://x').pathname, '/apis/apps/v1/namespaces/team-a/deployments/wire/status');
    assert.equal(status!.contentType, APPLY_PATCH_CONTENT_TYPE);
    assert.deepEqual(Object.keys(status!.body!).sort(), ['apiVersion', 'kind', 'metadata', 'status']);
  });
});

describe('Applier against kube-sim', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let client: KubeClient;
  let applier: Applier;
  let leader = true;
  before(async () => {
    cluster = await startTestCluster();
    client = cluster.client('operator');
    applier = new Applier({ client, resources: new ResourceResolver({ client }), canWrite: () => leader });
  });
  after(async () => {
    await cluster?.stop();
  });
  beforeEach(() => {
    leader = true;
  });

  it('creates and updates through server-side apply, owned by mcpfleet-operator', async () => {
    const created = await applier.apply(deployment('ssa', 'img:1', 2));
    const entry = created.metadata?.managedFields?.find((e) => e.manager === 'mcpfleet-operator');
    assert.equal(entry?.operation, 'Apply');
    const updated = await applier.apply(deployment('ssa', 'img:2', 2));
    assert.equal((updated.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image, 'img:2');
    assert.equal(cluster.sim.accounting.count({ fieldManager: 'mcpfleet-operator', verb: 'patch' }) >= 2, true);
  });

  it('forces ownership of a field another manager applied', async () => {
    const kubectl = cluster.client('kubectl');
    await kubectl.patch('/apis/apps/v1/namespaces/team-a/deployments/contested', deployment('contested', 'img:1', 5), APPLY_PATCH_CONTENT_TYPE, { fieldManager: 'kubectl' });
    const ours = await applier.apply(deployment('contested', 'img:1', 3));
    assert.equal((ours.spec as { replicas: number }).replicas, 3);
  });

  it('applyIfNeeded sends nothing when the live object already matches (idle resync)', async () => {
    const desired = deployment('idle', 'img:1', 1);
    const first = await applier.applyIfNeeded(desired, undefined);
    assert.equal(first.changed, true);
    await cluster.sim.settle();
    const live = await client.get<KubeObject>('/apis/apps/v1/namespaces/team-a/deployments/idle');
    assert.ok(live);
    assert.equal(needsApply(desired, live, 'mcpfleet-operator'), false, 'kube-sim defaults and status do not count as differences');
    cluster.sim.accounting.reset();
    const second = await applier.applyIfNeeded(deployment('idle', 'img:1', 1), live);
    assert.equal(second.changed, false);
    assert.equal(cluster.sim.accounting.count({ userAgent: 'operator' }), 0, 'no request at all');
    const third = await applier.applyIfNeeded(deployment('idle', 'img:2', 1), live);
    assert.equal(third.changed, true);
  });

  it('writes status only through the status subresource, and only when it changed', async () => {
    const gadget: KubeObject = { apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'team-a' }, spec: { size: 1 } };
    const created = await applier.apply(gadget);
    const generation = created.metadata?.generation;
    const status = { observedGeneration: generation, message: 'hello', conditions: [{ type: 'Ready', status: 'True', reason: 'Fine' }] };
    const r1 = await applier.applyStatus({ ...gadget, status });
    assert.equal(r1.changed, true);
    assert.deepEqual(r1.object.status, status);
    assert.equal(r1.object.metadata?.generation, generation, 'status writes do not bump generation');
    assert.deepEqual(r1.object.spec, { size: 1 });
    cluster.sim.accounting.reset();
    const r2 = await applier.applyStatus({ ...gadget, status: structuredClone(status) }, r1.object);
    assert.equal(r2.changed, false);
    assert.equal(cluster.sim.accounting.count({ userAgent: 'operator' }), 0);
    const r3 = await applier.applyStatus({ ...gadget, status: { ...status, message: 'changed' } }, r2.object);
    assert.equal(r3.changed, true);
    assert.equal((r3.object.status as { message: string }).message, 'changed');
    // Status in a main-resource apply is ignored by the server (status subresource enabled).
    const main = await applier.apply({ ...gadget, status: { message: 'ignored' } });
    assert.equal((main.status as { message: string }).message, 'changed');
    const r4 = await applier.patchStatus({ apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', name: 'g1', namespace: 'team-a' }, { message: 'merged' }, main);
    assert.equal(r4.changed, true);
    assert.equal((r4.object.status as { message: string }).message, 'merged');
    const r5 = await applier.patchStatus({ apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', name: 'g1', namespace: 'team-a' }, { message: 'merged' }, r4.object);
    assert.equal(r5.changed, false);
  });

  it('deletes with a propagation policy and a uid precondition', async () => {
    const cm = await applier.apply<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone-soon', namespace: 'team-a' }, data: { a: 'b' } });
    assert.equal(await applier.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone-soon', namespace: 'team-a', uid: cm.metadata?.uid }, 'Foreground'), true);
    await cluster.sim.settle();
    assert.equal(await applier.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone-soon', namespace: 'team-a' }), false);
  });

  it('refuses every write with NotLeaderError when canWrite() is false, sending nothing', async () => {
    leader = false;
    cluster.sim.accounting.reset();
    await assert.rejects(applier.apply(deployment('nl', 'img:1', 1)), NotLeaderError);
    await assert.rejects(applier.applyStatus({ apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'team-a' }, status: { message: 'x' } }), NotLeaderError);
    await assert.rejects(applier.patchStatus({ apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', name: 'g1', namespace: 'team-a' }, { message: 'x' }), NotLeaderError);
    await assert.rejects(applier.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'team-a' }), /refusing to delete ConfigMap team-a\/x: this replica is not the leader/);
    assert.equal(cluster.sim.accounting.count({ userAgent: 'operator', verb: 'patch' }), 0);
    assert.equal(cluster.sim.accounting.count({ userAgent: 'operator', verb: 'delete' }), 0);
  });
});
