import assert from 'node:assert/strict';
import { isAlreadyExists, isConflict, KubeApiError } from '../errors.ts';
import { ResourceResolver } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { startTestCluster, type TestCluster } from './sim.ts';

describe('KubeClient and ResourceResolver against kube-sim', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('lists every page with limit/continue and fills in apiVersion/kind on items', async () => {
    const client = cluster.client();
    for (let i = 0; i < 7; i++) {
      await client.create('/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${i}`, labels: { paging: 'yes' } } });
    }
    await client.create('/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unlabelled' } });
    const firstPage = await client.list('/api/v1/namespaces/team-a/configmaps', { labelSelector: 'paging=yes', limit: 3 });
    assert.equal(firstPage.items.length, 3);
    assert.ok(firstPage.metadata?.continue, 'a continue token');
    const all = await client.listAll('/api/v1/namespaces/team-a/configmaps', { labelSelector: 'paging=yes', limit: 3 });
    assert.deepEqual(all.items.map((i) => i.metadata?.name).sort(), [0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));
    assert.ok(all.items.every((i) => i.apiVersion === 'v1' && i.kind === 'ConfigMap'));
    assert.match(all.resourceVersion, /^\d+$/);
  });

  it('maps API errors: 404 → undefined from get, AlreadyExists, Conflict on a stale resourceVersion', async () => {
    const client = cluster.client();
    assert.equal(await client.get('/api/v1/namespaces/team-a/configmaps/missing'), undefined);
    await assert.rejects(client.request({ method: 'GET', path: '/api/v1/namespaces/team-a/configmaps/missing' }), (err: unknown) => err instanceof KubeApiError && err.statusCode === 404 && err.reason === 'NotFound');
    const created = await client.create<KubeObject>('/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' }, data: { a: '1' } });
    await assert.rejects(client.create('/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' } }), isAlreadyExists);
    await client.replace('/api/v1/namespaces/team-a/configmaps/cas', { ...created, data: { a: '2' } });
    await assert.rejects(client.replace('/api/v1/namespaces/team-a/configmaps/cas', { ...created, data: { a: '3' } }), isConflict);
  });

  it('deletes, reporting false when the object is already gone', async () => {
    const client = cluster.client();
    await client.create('/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed' } });
    assert.equal(await client.delete('/api/v1/namespaces/team-a/configmaps/doomed', { propagationPolicy: 'Foreground' }), true);
    await cluster.sim.settle();
    assert.equal(await client.delete('/api/v1/namespaces/team-a/configmaps/doomed'), false);
  });

  it('times out a request that hangs, with a clear error', async () => {
    const id = cluster.sim.faults.addLatency({ verb: 'get', resource: 'secrets', ms: 3_000, times: 1 });
    try {
      await assert.rejects(cluster.client('slow', 200).get('/api/v1/namespaces/team-a/secrets/x'), /GET \/api\/v1\/namespaces\/team-a\/secrets\/x: request timed out/);
    } finally {
      cluster.sim.faults.removeRule(id);
    }
  });

  it('surfaces the Status message and Retry-After of an injected 429', async () => {
    const id = cluster.sim.faults.addError({ verb: 'list', resource: 'services', code: 429, retryAfterSeconds: 3, times: 1 });
    try {
      await assert.rejects(cluster.client().list('/api/v1/namespaces/team-a/services'), (err: unknown) => err instanceof KubeApiError && err.statusCode === 429 && err.retryAfterSeconds === 3);
    } finally {
      cluster.sim.faults.removeRule(id);
    }
  });

  it('resolves built-in kinds without requests and custom kinds through discovery; absent APIs are undefined', async () => {
    const client = cluster.client('resolver');
    const resolver = new ResourceResolver({ client });
    cluster.sim.accounting.reset();
    assert.equal(await resolver.objectPath({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', namespace: 'ns' }), '/apis/apps/v1/namespaces/ns/deployments/d');
    assert.equal(cluster.sim.accounting.count({ userAgent: 'resolver' }), 0);
    assert.equal(await resolver.objectPath({ apiVersion: 'test.mcpfleet.dev/v1', kind: 'Gadget', name: 'g', namespace: 'ns' }, 'status'), '/apis/test.mcpfleet.dev/v1/namespaces/ns/gadgets/g/status');
    assert.equal(await resolver.has('keda.sh/v1alpha1', 'ScaledObject'), false);
    assert.equal(await resolver.has('test.mcpfleet.dev/v1', 'Gadget'), true);
    const calls = cluster.sim.accounting.count({ userAgent: 'resolver' });
    await resolver.has('test.mcpfleet.dev/v1', 'Gadget');
    await resolver.has('keda.sh/v1alpha1', 'ScaledObject');
    assert.equal(cluster.sim.accounting.count({ userAgent: 'resolver' }), calls, 'discovery results (hits and misses) are cached');
    await assert.rejects(resolver.objectPath({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'x', namespace: 'ns' }), /does not serve ScaledObject in keda.sh\/v1alpha1/);
  });
});
