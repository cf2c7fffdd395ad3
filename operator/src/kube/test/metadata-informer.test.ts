import assert from 'node:assert/strict';
import { createInformer, type Informer } from '../informer.ts';
import type { KubeObject } from '../types.ts';
import { captureLogs, pollUntil } from './helpers.ts';
import { startTestCluster, type TestCluster } from './sim.ts';

describe('metadata-only informer against kube-sim', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let informer: Informer<KubeObject> | undefined;
  before(async () => {
    cluster = await startTestCluster({ bookmarkIntervalMs: 200 });
  });
  after(async () => {
    await informer?.stop();
    await cluster?.stop();
  });

  it('lists and watches Secrets as PartialObjectMetadata: names and versions, never their data', async () => {
    const writer = cluster.client('writer');
    await writer.create('/api/v1/namespaces/team-a/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'listed' }, stringData: { password: 'listed-secret' } } as KubeObject);
    const seen: KubeObject[] = [];
    informer = createInformer<KubeObject>({
      client: cluster.client('informer'),
      path: '/api/v1/secrets',
      name: 'secrets',
      metadataOnly: true,
      stallTimeoutMs: 20_000,
      backoff: { initialMs: 50, maxMs: 500 },
      onChange: (obj) => seen.push(obj),
      logger: captureLogs().logger,
    });
    informer.start();
    await pollUntil(() => informer!.hasSynced(), 'synced');
    await writer.create('/api/v1/namespaces/team-a/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'watched' }, stringData: { password: 'watched-secret' } } as KubeObject);
    await pollUntil(() => informer!.get('team-a', 'watched') !== undefined, 'watched Secret cached');
    for (const name of ['listed', 'watched']) {
      const cached: KubeObject = informer.get('team-a', name)!;
      assert.equal(cached.kind, 'PartialObjectMetadata', `${name} is cached as metadata`);
      assert.ok(cached.metadata?.resourceVersion, `${name} has its resourceVersion`);
    }
    const text = JSON.stringify(seen);
    assert.doesNotMatch(text, /listed-secret|watched-secret|bGlzdGVkLXNlY3JldA|d2F0Y2hlZC1zZWNyZXQ/, 'no Secret value reached the handler');
    assert.ok(seen.every((s) => !('data' in s) && !('stringData' in s) && s.metadata?.managedFields === undefined), 'only the metadata is kept (without managedFields)');
  });
});
