import assert from 'node:assert/strict';
import { compileJsonPath, evaluateJsonPath, JsonPathError } from './jsonpath.ts';
import { defaultColumnsFor, defaultCrdColumns, humanDuration, toTable, type PrinterColumn } from './table.ts';

const now = new Date('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();

describe('algebra/table', () => {
  describe('humanDuration (apimachinery duration.HumanDuration)', () => {
    const S = 1000;
    const M = 60 * S;
    const H = 60 * M;
    const D = 24 * H;
    const cases: [number, string][] = [
      [-3 * S, '<invalid>'],
      [-1 * S, '0s'],
      [0, '0s'],
      [5 * S, '5s'],
      [119 * S, '119s'],
      [2 * M, '2m'],
      [3 * M + 2 * S, '3m2s'],
      [10 * M + 30 * S, '10m'],
      [179 * M, '179m'],
      [3 * H, '3h'],
      [3 * H + 5 * M, '3h5m'],
      [8 * H + 5 * M, '8h'],
      [47 * H, '47h'],
      [2 * D, '2d'],
      [2 * D + 3 * H, '2d3h'],
      [8 * D + 3 * H, '8d'],
      [729 * D, '729d'],
      [2 * 365 * D, '2y'],
      [3 * 365 * D + 10 * D, '3y10d'],
      [9 * 365 * D, '9y'],
    ];
    for (const [ms, want] of cases) it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want));
  });

  describe('JSONPath', () => {
    const obj = {
      metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'mcp' } },
      spec: { replicas: 2, list: [1, 2, 3, 4] },
      status: { conditions: [{ type: 'Available', status: 'False' }, { type: 'Ready', status: 'True', n: 3 }] },
    };
    const cases: [string, unknown[]][] = [
      ['.spec.replicas', [2]],
      ['{.spec.replicas}', [2]],
      ['spec.replicas', [2]],
      ['.status.conditions[?(@.type=="Ready")].status', ['True']],
      [".status.conditions[?(@.type=='Available')].status", ['False']],
      ['.status.conditions[?(@.n>2)].type', ['Ready']],
      ['.status.conditions[?(@.n)].type', ['Ready']],
      ['.status.conditions[*].type', ['Available', 'Ready']],
      ['.status.conditions[0].type', ['Available']],
      ['.status.conditions[-1].type', ['Ready']],
      ['.spec.list[1:3]', [2, 3]],
      ['.metadata.labels.app\\.kubernetes\\.io/name', ['mcp']],
      [".metadata.labels['app.kubernetes.io/name']", ['mcp']],
      ['..type', ['Available', 'Ready']],
      ['.spec.missing', []],
    ];
    for (const [p, want] of cases) it(p, () => assert.deepEqual(evaluateJsonPath(p, obj), want));
    it('rejects malformed expressions', () => {
      assert.throws(() => compileJsonPath('.a[?(x)]'), JsonPathError);
      assert.throws(() => compileJsonPath('.a[1'), JsonPathError);
      assert.throws(() => compileJsonPath('{}'), JsonPathError);
    });
  });

  describe('toTable', () => {
    const columns: PrinterColumn[] = [
      { name: 'Catalog', type: 'string', jsonPath: '.spec.catalog', description: 'catalog entry' },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Tools', type: 'string', jsonPath: '.spec.tools', priority: 1 },
      { name: 'Weight', type: 'number', jsonPath: '.spec.weight' },
      { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
      ...defaultCrdColumns(),
    ];
    const objects = [
      {
        apiVersion: 'mcpfleet.dev/v1alpha1',
        kind: 'McpServer',
        metadata: { name: 'weather', namespace: 'default', creationTimestamp: ago(3 * 60_000 + 2000), uid: 'u1' },
        spec: { catalog: 'weather', replicas: 2, tools: ['a', 'b'], weight: 1.5, paused: false },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
      { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'bare' }, spec: { replicas: 'x' } },
    ];
    it('puts Name first and evaluates typed cells like the CRD tableconvertor', () => {
      const t = toTable(columns, objects, { includeObject: 'None', now });
      assert.equal(t.apiVersion, 'meta.k8s.io/v1');
      assert.equal(t.kind, 'Table');
      assert.deepEqual(t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority]), [
        ['Name', 'string', 'name', 0],
        ['Catalog', 'string', '', 0],
        ['Replicas', 'integer', '', 0],
        ['Ready', 'string', '', 0],
        ['Tools', 'string', '', 1],
        ['Weight', 'number', '', 0],
        ['Paused', 'boolean', '', 0],
        ['Age', 'date', '', 0],
      ]);
      assert.deepEqual(t.rows[0]?.cells, ['weather', 'weather', 2, 'True', '["a","b"]', 1.5, false, '3m2s']);
      assert.deepEqual(t.rows[1]?.cells, ['bare', null, null, null, null, null, null, null]);
      assert.equal('object' in (t.rows[0] ?? {}), false);
    });
    it('includes PartialObjectMetadata or the whole object', () => {
      const m = toTable([], objects, { includeObject: 'Metadata', now });
      assert.deepEqual(m.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: objects[0]?.metadata });
      const o = toTable([], objects, { includeObject: 'Object', now, listMeta: { resourceVersion: '7' } });
      assert.deepEqual(o.rows[1]?.object, objects[1]);
      assert.deepEqual(o.metadata, { resourceVersion: '7' });
    });
    it('does not add a second Name column', () => {
      const t = toTable([{ name: 'Name', type: 'string', jsonPath: '.metadata.name' }], objects, { includeObject: 'None', now });
      assert.equal(t.columnDefinitions.length, 1);
    });
  });

  describe('defaultColumnsFor', () => {
    const names = (k: string): string[] => toTable(defaultColumnsFor(k), [], { includeObject: 'None', now }).columnDefinitions.map((c) => c.name);
    it('has the kube-apiserver columns of the common kinds', () => {
      assert.deepEqual(names('apps/v1/Deployment'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
      assert.deepEqual(names('/v1/Pod'), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
      assert.deepEqual(names('/v1/Service'), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
      assert.deepEqual(names('rbac.authorization.k8s.io/v1/Role'), ['Name', 'Age']);
    });
    it('renders a Deployment row', () => {
      const d = {
        metadata: { name: 'web', creationTimestamp: ago(2 * 86_400_000) },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'app', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } } },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      };
      assert.deepEqual(toTable(defaultColumnsFor('apps/v1/Deployment'), [d], { includeObject: 'None', now }).rows[0]?.cells, ['web', '2/3', 3, 2, '2d', 'app,side', 'nginx:1,busybox', 'app=web']);
    });
    it('renders Pod and Service rows', () => {
      const pod = {
        metadata: { name: 'p', creationTimestamp: ago(5000) },
        spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'sim-node' },
        status: {
          phase: 'Running',
          podIP: '10.0.0.5',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 2, lastState: { terminated: { finishedAt: ago(60_000) } } },
            { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ],
        },
      };
      assert.deepEqual(toTable(defaultColumnsFor('/v1/Pod'), [pod], { includeObject: 'None', now }).rows[0]?.cells, [
        'p', '1/2', 'CrashLoopBackOff', '2 (60s ago)', '5s', '10.0.0.5', 'sim-node', '<none>', '<none>',
      ]);
      const svc = { metadata: { name: 's' }, spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP' }], selector: { app: 'web' } } };
      assert.deepEqual(toTable(defaultColumnsFor('/v1/Service'), [svc], { includeObject: 'None', now }).rows[0]?.cells, [
        's', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '<unknown>', 'app=web',
      ]);
    });
  });
});
