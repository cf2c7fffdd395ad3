// API semantics of kube-sim over raw HTTP: what kube-apiserver answers, checked field by field.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKubeSim } from '../src/api.ts';
import type { KubeSim } from '../src/api.ts';
import { call, FIXTURES, pollUntil, readWatch } from './helpers.ts';

const WIDGETS = '/apis/example.com/v1/namespaces/default/widgets';

function widget(name: string, spec: Record<string, unknown> = { color: 'red' }): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec };
}

function configMap(name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

describe('kube-sim API semantics', function () {
  this.timeout(30000);
  let sim: KubeSim;
  let base: string;

  before(async () => {
    sim = await startKubeSim({ kubeletDelayMs: 10, bookmarkIntervalMs: 100, watchWindow: 50, log: () => {} });
    base = sim.url;
    const crd = await readFile(join(FIXTURES, 'widgets.example.com.yaml'), 'utf8');
    const created = await call(base, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, 'application/yaml');
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });

  after(async () => {
    await sim.stop();
  });

  describe('discovery', () => {
    it('serves /version, /healthz and the legacy discovery documents', async () => {
      assert.equal((await call(base, 'GET', '/version')).body.minor, '33');
      assert.equal((await call(base, 'GET', '/healthz')).status, 200);
      const api = await call(base, 'GET', '/api');
      assert.deepEqual(api.body.versions, ['v1']);
      const groups = await call(base, 'GET', '/apis');
      const names = groups.body.groups.map((g: { name: string }) => g.name);
      for (const g of ['apps', 'autoscaling', 'networking.k8s.io', 'policy', 'coordination.k8s.io', 'events.k8s.io', 'apiextensions.k8s.io', 'example.com']) {
        assert.ok(names.includes(g), `group ${g} missing from ${names.join(',')}`);
      }
      const apps = await call(base, 'GET', '/apis/apps/v1');
      const deploy = apps.body.resources.find((r: { name: string }) => r.name === 'deployments');
      assert.deepEqual(deploy.shortNames, ['deploy']);
      assert.ok(deploy.verbs.includes('watch'));
      const scale = apps.body.resources.find((r: { name: string }) => r.name === 'deployments/scale');
      assert.equal(scale.kind, 'Scale');
      assert.equal(scale.group, 'autoscaling');
    });

    it('serves aggregated discovery v2 with the CRD registered', async () => {
      const res = await call(base, 'GET', '/apis', undefined, undefined, {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      });
      assert.match(res.headers.get('content-type') ?? '', /as=APIGroupDiscoveryList/);
      const group = res.body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'example.com');
      const widgets = group.versions[0].resources.find((r: { resource: string }) => r.resource === 'widgets');
      assert.equal(widgets.scope, 'Namespaced');
      assert.deepEqual(widgets.shortNames, ['wd']);
      assert.deepEqual(
        widgets.subresources.map((s: { subresource: string }) => s.subresource),
        ['status', 'scale'],
      );
    });

    it('marks the CRD Established and NamesAccepted', async () => {
      const crd = await call(base, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
      const conds = Object.fromEntries(crd.body.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]));
      assert.equal(conds.Established, 'True');
      assert.equal(conds.NamesAccepted, 'True');
      assert.deepEqual(crd.body.status.storedVersions, ['v1']);
    });
  });

  describe('CRUD', () => {
    it('creates, gets, updates with optimistic concurrency and deletes', async () => {
      const created = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('crud-1', {}, { a: '1' }));
      assert.equal(created.status, 201);
      assert.ok(created.body.metadata.uid);
      const rv1 = Number(created.body.metadata.resourceVersion);
      const dup = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('crud-1'));
      assert.equal(dup.status, 409);
      assert.equal(dup.body.reason, 'AlreadyExists');
      assert.equal(dup.body.message, 'configmaps "crud-1" already exists');

      const updated = await call(base, 'PUT', '/api/v1/namespaces/default/configmaps/crud-1', { ...created.body, data: { a: '2' } });
      assert.equal(updated.status, 200);
      assert.ok(Number(updated.body.metadata.resourceVersion) > rv1);
      const stale = await call(base, 'PUT', '/api/v1/namespaces/default/configmaps/crud-1', { ...created.body, data: { a: '3' } });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.reason, 'Conflict');
      assert.match(stale.body.message, /the object has been modified; please apply your changes to the latest version and try again/);

      const del = await call(base, 'DELETE', '/api/v1/namespaces/default/configmaps/crud-1');
      assert.equal(del.status, 200);
      const gone = await call(base, 'GET', '/api/v1/namespaces/default/configmaps/crud-1');
      assert.equal(gone.status, 404);
      assert.equal(gone.body.kind, 'Status');
      assert.equal(gone.body.message, 'configmaps "crud-1" not found');
    });

    it('rejects objects in a missing namespace and supports generateName', async () => {
      const missing = await call(base, 'POST', '/api/v1/namespaces/nope/configmaps', configMap('x'));
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'namespaces "nope" not found');
      const generated = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'gen-' } });
      assert.match(generated.body.metadata.name, /^gen-[a-z0-9]{5}$/);
    });

    it('does not persist dryRun=All writes', async () => {
      const res = await call(base, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', configMap('dry'));
      assert.equal(res.status, 201);
      assert.equal((await call(base, 'GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
    });

    it('filters by label and field selectors and paginates with limit/continue', async () => {
      for (let i = 0; i < 5; i++) {
        await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap(`page-${i}`, { suite: 'page', parity: i % 2 === 0 ? 'even' : 'odd' }));
      }
      const even = await call(base, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=suite%3Dpage,parity%20in%20(even)');
      assert.deepEqual(even.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['page-0', 'page-2', 'page-4']);
      const byName = await call(base, 'GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dpage-3');
      assert.equal(byName.body.items.length, 1);
      assert.equal(byName.body.items[0].metadata.namespace, 'default');
      const bad = await call(base, 'GET', '/api/v1/configmaps?labelSelector=a%20in%20b');
      assert.equal(bad.status, 400);

      const names: string[] = [];
      let cont = '';
      let pages = 0;
      do {
        const page = await call(base, 'GET', `/api/v1/namespaces/default/configmaps?labelSelector=suite%3Dpage&limit=2${cont ? `&continue=${cont}` : ''}`);
        names.push(...page.body.items.map((i: { metadata: { name: string } }) => i.metadata.name));
        cont = page.body.metadata.continue ?? '';
        if (cont !== '') assert.ok(page.body.metadata.remainingItemCount > 0);
        pages++;
      } while (cont !== '' && pages < 10);
      assert.equal(pages, 3);
      assert.deepEqual(names, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    });

    it('answers metadata-only lists as kube-apiserver does, with items null when empty', async () => {
      const metadataOnly = { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json' };
      const empty = await call(base, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=suite%3Dnone-such', undefined, undefined, metadataOnly);
      assert.equal(empty.status, 200);
      assert.equal(empty.body.kind, 'PartialObjectMetadataList');
      assert.equal(empty.body.items, null);
      const typed = await call(base, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=suite%3Dnone-such');
      assert.deepEqual(typed.body.items, [], 'typed lists send an empty array');
      const full = await call(base, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=suite%3Dpage', undefined, undefined, metadataOnly);
      assert.equal(full.body.items.length, 5);
      assert.equal(full.body.items[0].kind, 'PartialObjectMetadata');
    });

    it('answers Table when kubectl asks for it', async () => {
      await call(base, 'POST', WIDGETS, widget('table-1', { color: 'green', replicas: 2 }));
      const res = await call(base, 'GET', WIDGETS, undefined, undefined, {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      });
      assert.equal(res.body.kind, 'Table');
      assert.deepEqual(res.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Color', 'Replicas', 'Ready', 'Age']);
      const row = res.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'table-1');
      assert.deepEqual(row.cells.slice(0, 3), ['table-1', 'green', 2]);
      assert.equal(row.object.kind, 'PartialObjectMetadata');
    });
  });

  describe('custom resource schema', () => {
    it('applies defaults, prunes unknown fields with a warning, and validates with kube-apiserver messages', async () => {
      const created = await call(base, 'POST', WIDGETS, widget('schema-1', { color: 'blue', extra: true }));
      assert.equal(created.status, 201);
      assert.equal(created.body.spec.replicas, 1);
      assert.equal(created.body.spec.size, 'medium');
      assert.equal(created.body.spec.extra, undefined);
      assert.match(created.headers.get('warning') ?? '', /unknown field \\"spec.extra\\"/);

      const strict = await call(base, 'POST', `${WIDGETS}?fieldValidation=Strict`, widget('schema-2', { color: 'blue', extra: true }));
      assert.equal(strict.status, 400);
      assert.match(strict.body.message, /strict decoding error: unknown field "spec.extra"/);

      const invalid = await call(base, 'POST', WIDGETS, widget('schema-3', { color: 'pink', replicas: -1 }));
      assert.equal(invalid.status, 422);
      assert.equal(invalid.body.reason, 'Invalid');
      assert.match(invalid.body.message, /^Widget\.example\.com "schema-3" is invalid: \[/);
      assert.match(invalid.body.message, /spec\.color: Unsupported value: "pink": supported values: "red", "green", "blue"/);
      assert.match(invalid.body.message, /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0/);
      assert.equal(invalid.body.details.causes.length, 2);

      const missing = await call(base, 'POST', WIDGETS, widget('schema-4', {}));
      assert.equal(missing.body.message, 'Widget.example.com "schema-4" is invalid: spec.color: Required value');
    });

    it('moves generation only on spec changes and keeps status out of main-resource writes', async () => {
      const created = await call(base, 'POST', WIDGETS, widget('gen-1'));
      assert.equal(created.body.metadata.generation, 1);
      const labelled = await call(base, 'PATCH', `${WIDGETS}/gen-1`, { metadata: { labels: { a: 'b' } }, status: { replicas: 9 } }, 'application/merge-patch+json');
      assert.equal(labelled.body.metadata.generation, 1);
      assert.equal(labelled.body.status, undefined);
      const specced = await call(base, 'PATCH', `${WIDGETS}/gen-1`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
      assert.equal(specced.body.metadata.generation, 2);
      const status = await call(base, 'PATCH', `${WIDGETS}/gen-1/status`, { status: { replicas: 3, observedGeneration: 2 }, spec: { replicas: 7 } }, 'application/merge-patch+json');
      assert.equal(status.body.status.replicas, 3);
      assert.equal(status.body.spec.replicas, 3);
      assert.equal(status.body.metadata.generation, 2);
    });

    it('serves the scale subresource', async () => {
      await call(base, 'POST', WIDGETS, widget('scale-1'));
      const scale = await call(base, 'GET', `${WIDGETS}/scale-1/scale`);
      assert.equal(scale.body.kind, 'Scale');
      assert.equal(scale.body.spec.replicas, 1);
      const patched = await call(base, 'PATCH', `${WIDGETS}/scale-1/scale`, { spec: { replicas: 4 } }, 'application/merge-patch+json');
      assert.equal(patched.body.spec.replicas, 4);
      assert.equal((await call(base, 'GET', `${WIDGETS}/scale-1`)).body.spec.replicas, 4);
    });

    it('rejects strategic merge patch for custom resources with 415', async () => {
      await call(base, 'POST', WIDGETS, widget('smp-1'));
      const res = await call(base, 'PATCH', `${WIDGETS}/smp-1`, { spec: { color: 'green' } }, 'application/strategic-merge-patch+json');
      assert.equal(res.status, 415);
    });
  });

  describe('patches', () => {
    it('applies JSON patch and strategic merge patch on built-ins', async () => {
      const dep = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'patchy' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'patchy' } },
          template: { metadata: { labels: { app: 'patchy' } }, spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } },
        },
      };
      assert.equal((await call(base, 'POST', '/apis/apps/v1/namespaces/default/deployments', dep)).status, 201);
      const smp = await call(
        base,
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/patchy',
        { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } },
        'application/strategic-merge-patch+json',
      );
      assert.deepEqual(smp.body.spec.template.spec.containers.map((c: { image: string }) => c.image), ['a:1', 'b:2']);
      const jp = await call(base, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/patchy', [{ op: 'replace', path: '/spec/replicas', value: 3 }], 'application/json-patch+json');
      assert.equal(jp.body.spec.replicas, 3);
      const failed = await call(base, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/patchy', [{ op: 'test', path: '/spec/replicas', value: 1 }], 'application/json-patch+json');
      assert.equal(failed.status, 422);
    });

    it('server-side apply owns fields, reports conflicts with 409 and forces with force=true', async () => {
      const path = `${WIDGETS}/ssa-1`;
      const applied = await call(base, 'PATCH', `${path}?fieldManager=alice`, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ssa-1\nspec:\n  color: red\n  replicas: 2\n', 'application/apply-patch+yaml');
      assert.equal(applied.status, 201, JSON.stringify(applied.body));
      const managers = applied.body.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
      assert.ok(managers.includes('alice/Apply'), managers.join(','));
      const conflict = await call(base, 'PATCH', `${path}?fieldManager=bob`, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa-1' }, spec: { replicas: 5 } }, 'application/apply-patch+yaml');
      assert.equal(conflict.status, 409);
      assert.match(conflict.body.message, /^Apply failed with 1 conflict: conflict with "alice"/);
      assert.match(conflict.body.message, /\.spec\.replicas/);
      const forced = await call(base, 'PATCH', `${path}?fieldManager=bob&force=true`, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa-1' }, spec: { replicas: 5 } }, 'application/apply-patch+yaml');
      assert.equal(forced.status, 200);
      assert.equal(forced.body.spec.replicas, 5);
      const noManager = await call(base, 'PATCH', path, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa-1' } }, 'application/apply-patch+yaml');
      assert.equal(noManager.status, 422);
      assert.match(noManager.body.message, /fieldManager: Required value/);
    });
  });

  describe('watch', () => {
    it('sends the initial state, then live events, with bookmarks on request', async () => {
      const url = `${base}/api/v1/namespaces/default/configmaps?watch=true&labelSelector=suite%3Dwatch&allowWatchBookmarks=true`;
      const watching = readWatch(url, (evs) => evs.some((e) => e.type === 'DELETED') && evs.some((e) => e.type === 'BOOKMARK'));
      await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('w-1', { suite: 'watch' }));
      await pollUntil('watch to see w-1', async () => sim.faults.activeWatchCount() > 0);
      await call(base, 'PATCH', '/api/v1/namespaces/default/configmaps/w-1', { data: { x: 'y' } }, 'application/merge-patch+json');
      await call(base, 'DELETE', '/api/v1/namespaces/default/configmaps/w-1');
      const events = await watching;
      const types = events.filter((e) => e.type !== 'BOOKMARK').map((e) => e.type);
      assert.ok(['ADDED,MODIFIED,DELETED'].includes(types.join(',')), types.join(','));
      const bookmark = events.find((e) => e.type === 'BOOKMARK');
      assert.deepEqual(Object.keys(bookmark.object.metadata), ['resourceVersion']);
    });

    it('replays events after a resourceVersion and answers 410 Gone outside the window', async () => {
      const first = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('r-1', { suite: 'replay' }));
      const rv = first.body.metadata.resourceVersion;
      await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('r-2', { suite: 'replay' }));
      const replay = await readWatch(`${base}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&labelSelector=suite%3Dreplay`, (evs) => evs.length >= 1, 3000);
      assert.equal(replay[0].type, 'ADDED');
      assert.equal(replay[0].object.metadata.name, 'r-2');
      for (let i = 0; i < 60; i++) await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap(`filler-${i}`));
      const expired = await readWatch(`${base}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, (evs) => evs.length >= 1, 3000);
      assert.equal(expired[0].type, 'ERROR');
      assert.equal(expired[0].object.code, 410);
      assert.equal(expired[0].object.reason, 'Expired');
    });
  });

  describe('deletion', () => {
    it('keeps an object with finalizers until they are removed', async () => {
      await call(base, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fin-1', finalizers: ['example.com/hold'] } });
      const del = await call(base, 'DELETE', '/api/v1/namespaces/default/configmaps/fin-1');
      assert.equal(del.status, 200);
      const held = await call(base, 'GET', '/api/v1/namespaces/default/configmaps/fin-1');
      assert.ok(held.body.metadata.deletionTimestamp);
      await call(base, 'PATCH', '/api/v1/namespaces/default/configmaps/fin-1', { metadata: { finalizers: null } }, 'application/merge-patch+json');
      assert.equal((await call(base, 'GET', '/api/v1/namespaces/default/configmaps/fin-1')).status, 404);
    });

    for (const policy of ['Background', 'Foreground', 'Orphan'] as const) {
      it(`garbage-collects dependents with ${policy} propagation`, async () => {
        const owner = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap(`owner-${policy.toLowerCase()}`));
        const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: owner.body.metadata.name, uid: owner.body.metadata.uid, blockOwnerDeletion: true };
        await call(base, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: `dep-${policy.toLowerCase()}`, ownerReferences: [ref] } });
        const del = await call(base, 'DELETE', `/api/v1/namespaces/default/configmaps/${owner.body.metadata.name}`, { propagationPolicy: policy });
        assert.equal(del.status, 200);
        await pollUntil('owner to disappear', async () => (await call(base, 'GET', `/api/v1/namespaces/default/configmaps/${owner.body.metadata.name}`)).status === 404);
        const dep = await pollUntil('dependent to settle', async () => {
          const r = await call(base, 'GET', `/api/v1/namespaces/default/secrets/dep-${policy.toLowerCase()}`);
          if (policy === 'Orphan') return r.status === 200 && r.body.metadata.ownerReferences === undefined ? r : undefined;
          return r.status === 404 ? r : undefined;
        });
        assert.ok(dep);
      });
    }

    it('empties and removes a deleted namespace', async () => {
      await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
      await call(base, 'POST', '/api/v1/namespaces/doomed/configmaps', configMap('inside'));
      await call(base, 'DELETE', '/api/v1/namespaces/doomed');
      await pollUntil('namespace removal', async () => (await call(base, 'GET', '/api/v1/namespaces/doomed')).status === 404);
      assert.equal((await call(base, 'GET', '/api/v1/namespaces/doomed/configmaps/inside')).status, 404);
    });
  });

  describe('kubelet', () => {
    it('makes a Deployment report its replicas after the delay, with pods', async () => {
      const dep = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
      };
      await call(base, 'POST', '/apis/apps/v1/namespaces/default/deployments', dep);
      const ready = await pollUntil('deployment available', async () => {
        const r = await call(base, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
        return r.body.status?.availableReplicas === 2 ? r.body : undefined;
      });
      assert.equal(ready.status.observedGeneration, 1);
      assert.equal(ready.status.readyReplicas, 2);
      assert.equal(ready.status.updatedReplicas, 2);
      assert.equal(ready.status.conditions.find((c: { type: string }) => c.type === 'Available').status, 'True');
      const pods = await call(base, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
      assert.equal(pods.body.items.length, 2);
      await call(base, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 1 } }, 'application/merge-patch+json');
      await pollUntil('scale down', async () => {
        const r = await call(base, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
        const p = await call(base, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
        return r.body.status?.observedGeneration === 2 && r.body.status.replicas === 1 && p.body.items.length === 1;
      });
    });
  });

  describe('faults and accounting', () => {
    it('injects errors per verb and resource, with Retry-After on 429', async () => {
      const id = sim.faults.addError({ verb: 'create', resource: 'configmaps', code: 429, times: 1, retryAfterSeconds: 3 });
      const throttled = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('fault-1'));
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get('retry-after'), '3');
      assert.equal(throttled.body.reason, 'TooManyRequests');
      const ok = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('fault-1'));
      assert.equal(ok.status, 201);
      sim.faults.removeRule(id);
      sim.faults.addError({ verb: 'get', resource: 'configmaps', code: 500, times: 1 });
      assert.equal((await call(base, 'GET', '/api/v1/namespaces/default/configmaps/fault-1')).status, 500);
      assert.equal((await call(base, 'GET', '/api/v1/namespaces/default/configmaps/fault-1')).status, 200);
      sim.faults.clear();
    });

    it('forces 410 on the next watch and drops open watches mid-flight', async () => {
      sim.faults.addWatchFault({ action: 'gone', resource: 'configmaps', times: 1 });
      const expired = await readWatch(`${base}/api/v1/namespaces/default/configmaps?watch=1`, (evs) => evs.length >= 1, 3000);
      assert.equal(expired[0].type, 'ERROR');
      assert.equal(expired[0].object.code, 410);
      const watching = readWatch(`${base}/api/v1/namespaces/default/secrets?watch=1&resourceVersion=${sim.store.currentRv()}`, () => false, 10000);
      await pollUntil('watch open', () => sim.faults.activeWatchCount() > 0);
      assert.ok(sim.faults.dropActiveWatches({ resource: 'secrets' }) >= 1);
      const events = await watching; // resolves because the server ended the stream
      assert.deepEqual(events, []);
      sim.faults.clear();
    });

    it('keeps a silenced watch open without events', async () => {
      sim.faults.addWatchFault({ action: 'silent', resource: 'configmaps', times: 1 });
      const watching = readWatch(`${base}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${sim.store.currentRv()}`, (evs) => evs.length > 0, 1500);
      await pollUntil('watch open', () => sim.faults.activeWatchCount() > 0);
      await call(base, 'POST', '/api/v1/namespaces/default/configmaps', configMap('silent-1'));
      assert.deepEqual(await watching, []);
      sim.faults.clear();
    });

    it('counts requests per user agent and verb and resets', async () => {
      sim.accounting.reset();
      await call(base, 'GET', '/api/v1/namespaces/default/configmaps', undefined, undefined, { 'user-agent': 'counter/2.0 test' });
      await call(base, 'GET', '/api/v1/namespaces/default/configmaps/page-0', undefined, undefined, { 'user-agent': 'counter/2.0 test' });
      await call(base, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=mgr', configMap('acct-1'), 'application/json', { 'user-agent': 'counter/2.0 test' });
      assert.equal(sim.accounting.count({ userAgent: 'counter', verb: 'list', resource: 'configmaps' }), 1);
      assert.equal(sim.accounting.count({ userAgent: 'counter', verb: 'get' }), 1);
      assert.equal(sim.accounting.snapshot().byFieldManager.mgr?.create, 1);
      const remote = await call(base, 'GET', '/_sim/accounting');
      assert.equal(remote.body.byUserAgent.counter.list, 1);
      sim.accounting.reset();
      assert.equal(sim.accounting.count({ userAgent: 'counter' }), 0);
    });
  });
});
