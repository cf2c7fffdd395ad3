import assert from 'node:assert/strict';
import { fromFieldsV1, pathString, toFieldsV1, FieldSet } from './fieldpath.ts';
import type { JSONSchemaProps } from './schema.ts';
import { ApplyError, conflictCauses, formatConflicts, managedFieldSets, recordUpdate, serverSideApply, type Conflict } from './ssa.ts';
import type { JsonObject } from './values.ts';

const T0 = '2025-06-01T10:00:00Z';
const T1 = '2025-06-01T11:00:00Z';
const T2 = '2025-06-01T12:00:00Z';
const DEPLOY = 'apps/v1/Deployment';

function deployment(replicas: number | undefined, image: string, extra: JsonObject = {}): JsonObject {
  const spec: JsonObject = {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image, ...extra }] } },
  };
  if (replicas !== undefined) spec['replicas'] = replicas;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec };
}

const mf = (o: unknown): JsonObject[] => ((o as { metadata: { managedFields?: JsonObject[] } }).metadata.managedFields ?? []);
const spec = (o: unknown): JsonObject => (o as { spec: JsonObject }).spec;
const containers = (o: unknown): JsonObject[] => ((spec(o)['template'] as { spec: { containers: JsonObject[] } }).spec.containers);

describe('algebra/ssa', () => {
  describe('fieldpath', () => {
    it('round-trips FieldsV1 with "." markers and sorted keys', () => {
      const v1 = {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:finalizers': { 'v:"x"': {} } },
      };
      const set = fromFieldsV1(v1);
      assert.equal(set.size, 6);
      assert.deepEqual(JSON.stringify(toFieldsV1(set)), JSON.stringify(v1));
    });
    it('orders fields before keys before values', () => {
      const s = FieldSet.of([['f:z'], ['k:{"a":1}'], ['f:a'], ['v:2'], ['v:10']]);
      assert.deepEqual(Object.keys(toFieldsV1(s)), ['f:a', 'f:z', 'k:{"a":1}', 'v:10', 'v:2']);
    });
    it('prints paths like structured-merge-diff', () => {
      assert.equal(pathString(['f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image']), '.spec.containers[name="app"].image');
      assert.equal(pathString(['f:spec', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']), '.spec.ports[containerPort=80,protocol="TCP"]');
      assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
    });
  });

  describe('serverSideApply', () => {
    it('creates an object with the Apply entry kube-apiserver records', () => {
      const { object, conflicts } = serverSideApply({ live: undefined, applied: deployment(2, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T0 });
      assert.deepEqual(conflicts, []);
      assert.equal(spec(object)['replicas'], 2);
      assert.deepEqual(mf(object), [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: T0,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:replicas': {},
              'f:selector': {},
              'f:template': {
                'f:metadata': { 'f:labels': { 'f:app': {} } },
                'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
              },
            },
          },
        },
      ]);
    });

    it('removes fields the applier stops applying, keeps fields others own', () => {
      const first = serverSideApply({
        live: undefined,
        applied: deployment(2, 'nginx:1', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }),
        manager: 'kubectl',
        force: false,
        typeKey: DEPLOY,
        now: T0,
      }).object;
      const second = serverSideApply({ live: first, applied: deployment(undefined, 'nginx:1', { env: [{ name: 'B', value: '2' }] }), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T1 }).object;
      assert.equal(spec(second)['replicas'], undefined);
      assert.deepEqual(containers(second)[0]?.['env'], [{ name: 'B', value: '2' }]);
      // A second applier sharing replicas keeps it alive when the first stops applying it.
      const shared = serverSideApply({ live: first, applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, manager: 'other', force: false, typeKey: DEPLOY, now: T1 });
      assert.deepEqual(shared.conflicts, []);
      const third = serverSideApply({ live: shared.object, applied: deployment(undefined, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T2 }).object;
      assert.equal(spec(third)['replicas'], 2);
    });

    it('reports a conflict with an Update manager and moves ownership with force', () => {
      const created = serverSideApply({ live: undefined, applied: deployment(2, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T0 }).object;
      const scaled = recordUpdate({ live: created, updated: { ...created, spec: { ...spec(created), replicas: 5 } }, manager: 'kube-controller-manager', operation: 'Update', now: T1 });
      assert.deepEqual(managedFieldSets(scaled).find((m) => m.manager === 'kube-controller-manager')?.paths, ['.spec.replicas']);
      assert.equal(managedFieldSets(scaled).find((m) => m.manager === 'kubectl')?.paths.includes('.spec.replicas'), false);

      const res = serverSideApply({ live: scaled, applied: deployment(3, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T2 });
      assert.deepEqual(res.conflicts, [{ manager: 'kube-controller-manager', field: '.spec.replicas', operation: 'Update', apiVersion: 'apps/v1' }]);
      assert.equal(formatConflicts(res.conflicts), 'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas');
      assert.deepEqual(res.object, scaled, 'a conflicting apply leaves the object unchanged');

      const same = serverSideApply({ live: scaled, applied: deployment(5, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T2 });
      assert.deepEqual(same.conflicts, [], 'applying the live value is not a conflict (shared ownership)');

      const forced = serverSideApply({ live: scaled, applied: deployment(3, 'nginx:1'), manager: 'kubectl', force: true, typeKey: DEPLOY, now: T2 });
      assert.equal(forced.conflicts.length, 1);
      assert.equal(spec(forced.object)['replicas'], 3);
      assert.deepEqual(managedFieldSets(forced.object).map((m) => m.manager), ['kubectl']);
    });

    it('conflicts on list-map element fields between two appliers', () => {
      const a = serverSideApply({ live: undefined, applied: deployment(1, 'nginx:1'), manager: 'team-a', force: false, typeKey: DEPLOY, now: T0 }).object;
      const b = serverSideApply({ live: a, applied: deployment(1, 'nginx:2'), manager: 'team-b', force: false, typeKey: DEPLOY, now: T1 });
      assert.deepEqual(b.conflicts.map((c) => c.field), ['.spec.template.spec.containers[name="app"].image']);
      assert.equal(formatConflicts(b.conflicts), 'Apply failed with 1 conflict: conflict with "team-a": .spec.template.spec.containers[name="app"].image');
      assert.deepEqual(conflictCauses(b.conflicts), [{ reason: 'FieldManagerConflict', message: 'conflict with "team-a"', field: '.spec.template.spec.containers[name="app"].image' }]);
    });

    it('merges a new container into the live list by name without conflicts', () => {
      const a = serverSideApply({ live: undefined, applied: deployment(1, 'nginx:1'), manager: 'team-a', force: false, typeKey: DEPLOY, now: T0 }).object;
      const sidecar = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'proxy', image: 'envoy:1' }] } } } };
      const b = serverSideApply({ live: a, applied: sidecar, manager: 'mesh', force: false, typeKey: DEPLOY, now: T1 });
      assert.deepEqual(b.conflicts, []);
      assert.deepEqual(containers(b.object).map((c) => c['name']), ['app', 'proxy']);
      // team-a re-applies without the sidecar: the sidecar stays (mesh owns it).
      const c = serverSideApply({ live: b.object, applied: deployment(1, 'nginx:1'), manager: 'team-a', force: false, typeKey: DEPLOY, now: T2 });
      assert.deepEqual(containers(c.object).map((x) => x['name']), ['app', 'proxy']);
      // mesh stops applying it: removed.
      const d = serverSideApply({ live: c.object, applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }, manager: 'mesh', force: false, typeKey: DEPLOY, now: T2 });
      assert.deepEqual(containers(d.object).map((x) => x['name']), ['app']);
    });

    it('several conflicts are listed per manager', () => {
      const conflicts: Conflict[] = [
        { manager: 'b', field: '.spec.replicas', operation: 'Apply' },
        { manager: 'a', field: '.spec.x', operation: 'Update', apiVersion: 'v1' },
        { manager: 'a', field: '.spec.y', operation: 'Update', apiVersion: 'v1', subresource: 'status' },
      ];
      assert.equal(
        formatConflicts(conflicts),
        'Apply failed with 3 conflicts: conflicts with "a" using v1:\n- .spec.x\nconflicts with "a" with subresource "status" using v1:\n- .spec.y\nconflicts with "b":\n- .spec.replicas',
      );
    });

    it('assigns existing fields of an unmanaged object to before-first-apply', () => {
      const live = { ...deployment(4, 'nginx:1'), metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '5' } };
      const res = serverSideApply({ live, applied: deployment(2, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T1 });
      assert.deepEqual(res.conflicts, [{ manager: 'before-first-apply', field: '.spec.replicas', operation: 'Update', apiVersion: 'apps/v1' }]);
    });

    it('uses CRD list-type map keys, atomic lists and granular maps', () => {
      const schema: JSONSchemaProps = {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              tools: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' }, timeout: { type: 'integer' } } } },
              args: { type: 'array', items: { type: 'string' } },
              tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
              env: { type: 'object', additionalProperties: { type: 'string' } },
              pinned: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { a: { type: 'string' }, b: { type: 'string' } } },
            },
          },
        },
      };
      const typeKey = 'mcpfleet.dev/v1alpha1/McpServer';
      const cr = (s: JsonObject): JsonObject => ({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'x', namespace: 'default' }, spec: s });
      const a = serverSideApply({ live: undefined, applied: cr({ tools: [{ name: 't1', timeout: 5 }], args: ['--a'], tags: ['x'], env: { A: '1' }, pinned: { a: '1' } }), manager: 'op', force: false, schema, typeKey, now: T0 }).object;
      assert.deepEqual(mf(a)[0]?.['fieldsV1'], {
        'f:spec': {
          'f:args': {},
          'f:env': { 'f:A': {} },
          'f:pinned': {},
          'f:tags': { 'v:"x"': {} },
          'f:tools': { 'k:{"name":"t1"}': { '.': {}, 'f:name': {}, 'f:timeout': {} } },
        },
      });
      const b = serverSideApply({ live: a, applied: cr({ tools: [{ name: 't2' }], tags: ['y'], env: { B: '2' } }), manager: 'user', force: false, schema, typeKey, now: T1 });
      assert.deepEqual(b.conflicts, []);
      assert.deepEqual(spec(b.object), { tools: [{ name: 't1', timeout: 5 }, { name: 't2' }], args: ['--a'], tags: ['x', 'y'], env: { A: '1', B: '2' }, pinned: { a: '1' } });
      const c = serverSideApply({ live: b.object, applied: cr({ args: ['--b'], pinned: { b: '2' } }), manager: 'user', force: false, schema, typeKey, now: T2 });
      assert.deepEqual(c.conflicts.map((x) => x.field), ['.spec.args', '.spec.pinned']);
    });

    it('tracks a CR without schema with deduced types (maps granular, lists atomic)', () => {
      const res = serverSideApply({
        live: undefined,
        applied: { apiVersion: 'x.dev/v1', kind: 'Thing', metadata: { name: 't' }, spec: { list: [1, 2], nested: { a: 1 } } },
        manager: 'm',
        force: false,
        typeKey: 'x.dev/v1/Thing',
        now: T0,
      });
      assert.deepEqual(mf(res.object)[0]?.['fieldsV1'], { 'f:spec': { '.': {}, 'f:list': {}, 'f:nested': { '.': {}, 'f:a': {} } } });
    });

    it('applies to the status subresource without touching the rest', () => {
      const created = serverSideApply({ live: undefined, applied: deployment(1, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T0, resetFields: ['status'] }).object;
      const res = serverSideApply({
        live: created,
        applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 9 }, status: { readyReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] } },
        manager: 'controller',
        force: false,
        typeKey: DEPLOY,
        subresource: 'status',
        now: T1,
      });
      assert.deepEqual(res.conflicts, []);
      assert.equal(spec(res.object)['replicas'], 1);
      const status = managedFieldSets(res.object).find((m) => m.manager === 'controller');
      assert.deepEqual(status, {
        manager: 'controller',
        operation: 'Apply',
        subresource: 'status',
        paths: ['.status.conditions[type="Available"]', '.status.conditions[type="Available"].status', '.status.conditions[type="Available"].type', '.status.readyReplicas'],
      });
    });

    it('fills list-map key defaults (Service port protocol) and rejects missing keys', () => {
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } };
      const res = serverSideApply({ live: undefined, applied: svc, manager: 'm', force: false, typeKey: '/v1/Service', now: T0 });
      assert.deepEqual(Object.keys((((mf(res.object)[0]?.['fieldsV1'] as JsonObject)['f:spec'] as JsonObject)['f:ports'] as JsonObject)), ['k:{"port":80,"protocol":"TCP"}']);
      assert.throws(
        () => serverSideApply({ live: undefined, applied: { ...svc, spec: { ports: [{ targetPort: 1 }] } }, manager: 'm', force: false, typeKey: '/v1/Service', now: T0 }),
        (e: unknown) => e instanceof ApplyError && e.message === '.spec.ports: element 0: associative list with keys has an element that omits key field "port" (and doesn\'t have default value)',
      );
    });

    it('keeps the entry time when re-applying an unchanged configuration', () => {
      const a = serverSideApply({ live: undefined, applied: deployment(1, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T0 }).object;
      const b = serverSideApply({ live: a, applied: deployment(1, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T1 }).object;
      assert.equal(mf(b)[0]?.['time'], T0);
      assert.deepEqual(b, a);
    });
  });

  describe('recordUpdate', () => {
    it('records a CR create with "." markers for maps the write created', () => {
      const obj = { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'x', namespace: 'd', labels: { app: 'x' }, uid: 'u', resourceVersion: '1' }, spec: { catalog: 'weather' } };
      const out = recordUpdate({ live: undefined, updated: obj, manager: 'kubectl-create', operation: 'Update', now: T0 });
      assert.deepEqual(mf(out), [
        {
          manager: 'kubectl-create',
          operation: 'Update',
          apiVersion: 'mcpfleet.dev/v1alpha1',
          time: T0,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { '.': {}, 'f:catalog': {} } },
        },
      ]);
    });
    it('records a built-in create against the zero object (no marker on spec)', () => {
      const out = recordUpdate({ live: undefined, updated: deployment(1, 'nginx:1'), manager: 'kubectl-create', operation: 'Update', now: T0 });
      const v1 = mf(out)[0]?.['fieldsV1'] as JsonObject;
      assert.deepEqual(Object.keys(v1['f:spec'] as JsonObject), ['f:replicas', 'f:selector', 'f:template']);
    });
    it('takes changed fields from other managers and merges into the own entry', () => {
      const a = serverSideApply({ live: undefined, applied: deployment(1, 'nginx:1'), manager: 'kubectl', force: false, typeKey: DEPLOY, now: T0 }).object;
      const u1 = recordUpdate({ live: a, updated: { ...a, metadata: { ...(a['metadata'] as JsonObject), annotations: { note: 'x' } } }, manager: 'editor', operation: 'Update', now: T1 });
      const img = structuredClone(u1);
      (containers(img)[0] as JsonObject)['image'] = 'nginx:2';
      const u2 = recordUpdate({ live: u1, updated: img, manager: 'editor', operation: 'Update', now: T2 });
      const sets = managedFieldSets(u2);
      assert.deepEqual(sets.find((m) => m.manager === 'editor')?.paths, [
        '.metadata.annotations',
        '.metadata.annotations.note',
        '.spec.template.spec.containers[name="app"].image',
      ]);
      assert.equal(sets.find((m) => m.manager === 'kubectl')?.paths.includes('.spec.template.spec.containers[name="app"].image'), false);
      assert.equal(mf(u2).find((e) => e['manager'] === 'editor')?.['time'], T2);
    });
    it('leaves managedFields alone when nothing changed and tracks status writes per subresource', () => {
      const a = recordUpdate({ live: undefined, updated: deployment(1, 'x'), manager: 'c', operation: 'Update', now: T0 });
      assert.deepEqual(recordUpdate({ live: a, updated: a, manager: 'other', operation: 'Update', now: T1 }), a);
      const st = recordUpdate({ live: a, updated: { ...a, status: { readyReplicas: 1 } }, manager: 'kubelet-sim', operation: 'Update', subresource: 'status', now: T1 });
      assert.deepEqual(managedFieldSets(st).find((m) => m.manager === 'kubelet-sim'), { manager: 'kubelet-sim', operation: 'Update', subresource: 'status', paths: ['.status.readyReplicas'] });
    });
    it('lets a request reset managedFields with [{}]', () => {
      const a = recordUpdate({ live: undefined, updated: deployment(1, 'x'), manager: 'c', operation: 'Update', now: T0 });
      const cleared = recordUpdate({ live: a, updated: { ...a, metadata: { ...(a['metadata'] as JsonObject), managedFields: [{}] } }, manager: 'c', operation: 'Update', now: T1 });
      assert.equal((cleared['metadata'] as JsonObject)['managedFields'], undefined);
    });
  });
});
