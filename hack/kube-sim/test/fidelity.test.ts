// Fidelity fixes found by holding kube-sim to the real kube-apiserver: Secret stringData,
// typed list items, and the resourceVersion a PUT on a custom resource must carry.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '../src/api.ts';
import { call, FIXTURES } from './helpers.ts';

describe('kube-sim fidelity to kube-apiserver', function () {
  this.timeout(30_000);
  let sim: KubeSim;
  before(async () => {
    sim = await startKubeSim({ log: () => undefined });
    const crd = await readFile(join(FIXTURES, 'widgets.example.com.yaml'), 'utf8');
    assert.equal((await call(sim.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, 'application/yaml')).status, 201);
  });
  after(async () => sim?.stop());

  it('merges Secret stringData into data on create, update and patch, and never stores stringData', async () => {
    const base = '/api/v1/namespaces/default/secrets';
    const created = await call(sim.url, 'POST', base, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from('old').toString('base64'), b: 'Yg==' }, stringData: { a: 'new', c: 'ü' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.stringData, undefined);
    assert.deepEqual(created.body.data, { a: Buffer.from('new').toString('base64'), b: 'Yg==', c: Buffer.from('ü').toString('base64') });
    const patched = await call(sim.url, 'PATCH', `${base}/s`, { stringData: { d: 'x' } }, 'application/merge-patch+json');
    assert.equal(patched.status, 200);
    assert.equal(patched.body.stringData, undefined);
    assert.equal(patched.body.data.d, 'eA==');
    assert.equal((await call(sim.url, 'GET', `${base}/s`)).body.stringData, undefined);
  });

  it('leaves kind and apiVersion off built-in list items but keeps them on custom resources', async () => {
    await call(sim.url, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed' } });
    const list = await call(sim.url, 'GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(list.body.kind, 'ConfigMapList');
    assert.ok(list.body.items.length > 0);
    for (const item of list.body.items) assert.deepEqual([item.kind, item.apiVersion], [undefined, undefined]);
    await call(sim.url, 'POST', '/apis/example.com/v1/namespaces/default/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red' } });
    const widgets = await call(sim.url, 'GET', '/apis/example.com/v1/namespaces/default/widgets');
    assert.deepEqual([widgets.body.items[0].kind, widgets.body.items[0].apiVersion], ['Widget', 'example.com/v1']);
  });

  it('refuses a PUT on a custom resource without resourceVersion (422), accepts it on a ConfigMap', async () => {
    const put = await call(sim.url, 'PUT', '/apis/example.com/v1/namespaces/default/widgets/w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'blue' } });
    assert.equal(put.status, 422, JSON.stringify(put.body));
    assert.match(put.body.message, /metadata\.resourceVersion: Invalid value: 0: must be specified for an update/);
    assert.equal(put.body.details.causes[0].field, 'metadata.resourceVersion');
    const current = (await call(sim.url, 'GET', '/apis/example.com/v1/namespaces/default/widgets/w')).body;
    const ok = await call(sim.url, 'PUT', '/apis/example.com/v1/namespaces/default/widgets/w', { ...current, spec: { color: 'blue' } });
    assert.equal(ok.status, 200);
    const cm = await call(sim.url, 'PUT', '/api/v1/namespaces/default/configmaps/listed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed' }, data: { k: 'v' } });
    assert.equal(cm.status, 200, 'built-in strategies allow an unconditional update');
  });
});
