// @kubernetes/client-node 2.x against kube-sim: informers (list+watch, relist after 410),
// server-side apply, status patches and conflicts, as the operator uses them.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startKubeSim } from '../src/api.ts';
import type { KubeSim } from '../src/api.ts';
import { FIXTURES, pollUntil } from './helpers.ts';

describe('kube-sim with @kubernetes/client-node', function () {
  this.timeout(30000);
  let sim: KubeSim;
  let kc: k8s.KubeConfig;

  before(async () => {
    sim = await startKubeSim({ kubeletDelayMs: 10, watchWindow: 20, log: () => {} });
    sim.applyManifests(await readFile(join(FIXTURES, 'widgets.example.com.yaml'), 'utf8'));
    kc = new k8s.KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
  });

  after(async () => {
    await sim.stop();
  });

  it('feeds an informer (list + watch) and relists after 410 Gone', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const seen = new Map<string, string>();
    const errors: unknown[] = [];
    informer.on('add', (cm) => seen.set(cm.metadata?.name ?? '', cm.data?.v ?? ''));
    informer.on('update', (cm) => seen.set(cm.metadata?.name ?? '', cm.data?.v ?? ''));
    informer.on('delete', (cm) => seen.delete(cm.metadata?.name ?? ''));
    informer.on('error', (err) => errors.push(err));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf-1' }, data: { v: '1' } } });
    await informer.start();
    try {
      await pollUntil('initial list', () => seen.get('inf-1') === '1');
      await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'inf-1', body: { metadata: { name: 'inf-1' }, data: { v: '2' } } });
      await pollUntil('watched update', () => seen.get('inf-1') === '2');

      // Expire every version the informer knows, then drop its watch: it must relist.
      sim.accounting.reset();
      sim.faults.addWatchFault({ action: 'gone', resource: 'configmaps', times: 1 });
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf-2' }, data: { v: 'x' } } });
      await pollUntil('inf-2 via watch', () => seen.has('inf-2'));
      sim.faults.dropActiveWatches({ resource: 'configmaps' });
      await pollUntil('relist after 410', () => sim.accounting.count({ verb: 'list', resource: 'configmaps' }) >= 1, 20000);
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'inf-1' });
      await pollUntil('delete seen after relist', () => !seen.has('inf-1'), 20000);
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });

  it('server-side applies with a field manager, reports conflicts and forces', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa', namespace: 'default' }, spec: { color: 'red', replicas: 2 } };
    const created = await objects.patch(widget, undefined, undefined, 'operator', true, k8s.PatchStrategy.ServerSideApply);
    assert.equal((created as { spec: { replicas: number } }).spec.replicas, 2);
    const managed = (created.metadata as { managedFields?: { manager: string; operation: string }[] } | undefined)?.managedFields ?? [];
    assert.ok(managed.some((m) => m.manager === 'operator' && m.operation === 'Apply'));

    const contested = { ...widget, spec: { color: 'red', replicas: 7 } };
    await assert.rejects(
      objects.patch(contested, undefined, undefined, 'someone-else', false, k8s.PatchStrategy.ServerSideApply),
      (err: unknown) => {
        const e = err as { code?: number; body?: string };
        assert.equal(e.code, 409);
        assert.match(String(e.body), /Apply failed with 1 conflict: conflict with \\"operator\\": .spec.replicas/);
        return true;
      },
    );
    const forced = await objects.patch(contested, undefined, undefined, 'someone-else', true, k8s.PatchStrategy.ServerSideApply);
    assert.equal((forced as { spec: { replicas: number } }).spec.replicas, 7);
  });

  it('patches status through the status subresource and detects stale updates', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const base = { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets' };
    await custom.createNamespacedCustomObject({ ...base, body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'st' }, spec: { color: 'green' } } });
    const patched = (await custom.patchNamespacedCustomObjectStatus(
      { ...base, name: 'st', body: { status: { replicas: 1, conditions: [{ type: 'Ready', status: 'True' }] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as { status: { replicas: number }; metadata: { generation: number; resourceVersion: string } };
    assert.equal(patched.status.replicas, 1);
    assert.equal(patched.metadata.generation, 1);

    const stale = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'st', resourceVersion: '1' }, spec: { color: 'blue' } };
    await assert.rejects(custom.replaceNamespacedCustomObject({ ...base, name: 'st', body: stale }), (err: unknown) => {
      assert.equal((err as { code?: number }).code, 409);
      return true;
    });
  });
});
