import assert from 'node:assert/strict';
import { PatchError, StrategicMergeUnsupportedError, jsonPatch, mergePatch, parsePointer, strategicMergePatch } from './patch.ts';

describe('algebra/patch', () => {
  describe('mergePatch (RFC 7386 appendix A)', () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [['a', 'b'], ['c', 'd'], ['c', 'd']],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    cases.forEach(([target, patch, want], i) => {
      it(`case ${i + 1}`, () => assert.deepEqual(mergePatch(target, patch), want));
    });
    it('does not modify its inputs', () => {
      const t = { a: { b: 1 } };
      mergePatch(t, { a: { b: 2 } });
      assert.deepEqual(t, { a: { b: 1 } });
    });
  });

  describe('jsonPatch (RFC 6902)', () => {
    const doc = { spec: { replicas: 1, list: ['a', 'b'], 'a/b': 1, 'm~n': 2 }, metadata: { labels: { app: 'x' } } };
    const cases: [string, unknown[], unknown][] = [
      ['add field', [{ op: 'add', path: '/spec/paused', value: true }], { ...doc, spec: { ...doc.spec, paused: true } }],
      ['replace', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { ...doc, spec: { ...doc.spec, replicas: 3 } }],
      ['remove', [{ op: 'remove', path: '/metadata/labels/app' }], { ...doc, metadata: { labels: {} } }],
      ['add to array end', [{ op: 'add', path: '/spec/list/-', value: 'c' }], { ...doc, spec: { ...doc.spec, list: ['a', 'b', 'c'] } }],
      ['insert into array', [{ op: 'add', path: '/spec/list/0', value: 'z' }], { ...doc, spec: { ...doc.spec, list: ['z', 'a', 'b'] } }],
      ['remove from array', [{ op: 'remove', path: '/spec/list/0' }], { ...doc, spec: { ...doc.spec, list: ['b'] } }],
      ['escaped ~1', [{ op: 'replace', path: '/spec/a~1b', value: 9 }], { ...doc, spec: { ...doc.spec, 'a/b': 9 } }],
      ['escaped ~0', [{ op: 'remove', path: '/spec/m~0n' }], { metadata: doc.metadata, spec: { replicas: 1, list: ['a', 'b'], 'a/b': 1 } }],
      [
        'move',
        [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }],
        { metadata: doc.metadata, spec: { list: ['a', 'b'], 'a/b': 1, 'm~n': 2, count: 1 } },
      ],
      ['copy', [{ op: 'copy', from: '/metadata/labels', path: '/spec/labels' }], { ...doc, spec: { ...doc.spec, labels: { app: 'x' } } }],
      ['test ok', [{ op: 'test', path: '/spec/replicas', value: 1 }], doc],
      ['replace root', [{ op: 'replace', path: '', value: { a: 1 } }], { a: 1 }],
    ];
    for (const [name, ops, want] of cases) it(name, () => assert.deepEqual(jsonPatch(doc, ops), want));

    const failures: [string, unknown, RegExp, 'BadRequest' | 'Invalid'][] = [
      ['failed test', [{ op: 'test', path: '/spec/replicas', value: 2 }], /testing value "\/spec\/replicas" failed: expected 2, found 1/, 'Invalid'],
      ['missing path', [{ op: 'replace', path: '/spec/nope', value: 1 }], /path "\/spec\/nope" does not exist/, 'Invalid'],
      ['missing parent', [{ op: 'add', path: '/status/phase', value: 'x' }], /missing "status"/, 'Invalid'],
      ['index out of range', [{ op: 'add', path: '/spec/list/5', value: 'x' }], /out of bounds/, 'Invalid'],
      ['bad op', [{ op: 'merge', path: '/a' }], /unsupported op "merge"/, 'BadRequest'],
      ['no value', [{ op: 'add', path: '/a' }], /missing "value"/, 'BadRequest'],
      ['not an array', { op: 'add' }, /must be a JSON array/, 'BadRequest'],
      ['bad pointer', [{ op: 'remove', path: 'spec' }], /must be empty or start with "\/"/, 'BadRequest'],
    ];
    for (const [name, ops, re, reason] of failures) {
      it(`throws PatchError: ${name}`, () => {
        assert.throws(() => jsonPatch(doc, ops), (e: unknown) => e instanceof PatchError && re.test(e.message) && e.reason === reason);
      });
    }
    it('is atomic: a later failure leaves the input untouched', () => {
      const input = { a: 1 };
      assert.throws(() => jsonPatch(input, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 5 }]));
      assert.deepEqual(input, { a: 1 });
    });
    it('parses pointers with escapes', () => assert.deepEqual(parsePointer('/a~1b/~0c/'), ['a/b', '~c', '']));
  });

  describe('strategicMergePatch', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'], ownerReferences: [{ uid: 'u1', name: 'o1' }] },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:1',
                env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
                ports: [{ containerPort: 80 }],
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
                envFrom: [{ configMapRef: { name: 'c1' } }],
              },
              { name: 'sidecar', image: 'side:1' },
            ],
            volumes: [{ name: 'data', emptyDir: {} }],
            tolerations: [{ key: 'k1', operator: 'Exists' }],
            imagePullSecrets: [{ name: 'reg' }],
          },
        },
      },
    };
    const spec = (o: unknown): Record<string, unknown> =>
      ((o as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec);
    const containers = (o: unknown): Record<string, unknown>[] => spec(o)['containers'] as Record<string, unknown>[];

    it('merges containers by name and env by name', () => {
      const out = strategicMergePatch(
        deployment,
        { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } },
        'apps/v1/Deployment',
      );
      const [app, side] = containers(out);
      assert.equal(app?.['image'], 'app:2');
      assert.deepEqual(app?.['env'], [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
      assert.deepEqual(side, { name: 'sidecar', image: 'side:1' });
    });
    it('appends new containers, ports by containerPort, volumeMounts by mountPath, volumes by name', () => {
      const out = strategicMergePatch(
        deployment,
        {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'app', ports: [{ containerPort: 8080 }], volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }, { name: 'new', image: 'n:1' }],
                volumes: [{ name: 'tmp', emptyDir: {} }],
              },
            },
          },
        },
        'apps/v1/Deployment',
      );
      const cs = containers(out);
      assert.deepEqual(cs.map((c) => c['name']), ['app', 'sidecar', 'new']);
      assert.deepEqual(cs[0]?.['ports'], [{ containerPort: 80 }, { containerPort: 8080 }]);
      assert.deepEqual(cs[0]?.['volumeMounts'], [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }]);
      assert.deepEqual(spec(out)['volumes'], [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }]);
    });
    it('replaces lists without a merge strategy (tolerations, envFrom)', () => {
      const out = strategicMergePatch(
        deployment,
        { spec: { template: { spec: { tolerations: [{ key: 'k2', operator: 'Exists' }], containers: [{ name: 'app', envFrom: [{ secretRef: { name: 's' } }] }] } } } },
        'apps/v1/Deployment',
      );
      assert.deepEqual(spec(out)['tolerations'], [{ key: 'k2', operator: 'Exists' }]);
      assert.deepEqual(containers(out)[0]?.['envFrom'], [{ secretRef: { name: 's' } }]);
    });
    it('honours $patch: delete in list elements and maps', () => {
      const out = strategicMergePatch(
        deployment,
        { metadata: { labels: { $patch: 'delete' } }, spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
        'apps/v1/Deployment',
      );
      assert.deepEqual(containers(out).map((c) => c['name']), ['app']);
      assert.equal((out as { metadata: Record<string, unknown> }).metadata['labels'], undefined);
    });
    it('honours $patch: replace on maps and lists', () => {
      const out = strategicMergePatch(
        deployment,
        {
          metadata: { labels: { other: 'x', $patch: 'replace' } },
          spec: { template: { spec: { containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] } } },
        },
        'apps/v1/Deployment',
      ) as { metadata: Record<string, unknown> };
      assert.deepEqual(out.metadata['labels'], { other: 'x' });
      assert.deepEqual(containers(out), [{ name: 'only', image: 'o:1' }]);
    });
    it('merges finalizers as a set and honours $deleteFromPrimitiveList', () => {
      const out = strategicMergePatch(deployment, { metadata: { finalizers: ['b', 'a'] } }, 'apps/v1/Deployment') as { metadata: Record<string, unknown> };
      assert.deepEqual(out.metadata['finalizers'], ['a', 'b']);
      const out2 = strategicMergePatch(out, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, 'apps/v1/Deployment') as { metadata: Record<string, unknown> };
      assert.deepEqual(out2.metadata['finalizers'], ['b']);
    });
    it('merges ownerReferences by uid and imagePullSecrets by name', () => {
      const out = strategicMergePatch(
        deployment,
        { metadata: { ownerReferences: [{ uid: 'u2', name: 'o2' }] }, spec: { template: { spec: { imagePullSecrets: [{ name: 'reg2' }] } } } },
        'apps/v1/Deployment',
      ) as { metadata: Record<string, unknown> };
      assert.deepEqual(out.metadata['ownerReferences'], [{ uid: 'u1', name: 'o1' }, { uid: 'u2', name: 'o2' }]);
      assert.deepEqual(spec(out)['imagePullSecrets'], [{ name: 'reg' }, { name: 'reg2' }]);
    });
    it('orders elements with $setElementOrder', () => {
      const out = strategicMergePatch(
        deployment,
        { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'app:3' }] } } } },
        'apps/v1/Deployment',
      );
      assert.deepEqual(containers(out).map((c) => [c['name'], c['image']]), [['sidecar', 'side:1'], ['app', 'app:3']]);
    });
    it('drops keys not listed in $retainKeys', () => {
      const svc = { spec: { type: 'ClusterIP', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
      const out = strategicMergePatch(svc, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, 'apps/v1/Deployment');
      assert.deepEqual(out, { spec: { type: 'ClusterIP', strategy: { type: 'Recreate' } } });
    });
    it('merges Service ports by port and conditions by type', () => {
      const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }] }, status: { conditions: [{ type: 'A', status: 'True' }] } };
      const out = strategicMergePatch(svc, { spec: { ports: [{ port: 443 }, { port: 80, name: 'http' }] }, status: { conditions: [{ type: 'A', status: 'False' }] } }, '/v1/Service');
      assert.deepEqual(out, { spec: { ports: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }] }, status: { conditions: [{ type: 'A', status: 'False' }] } });
    });
    it('null deletes a field like a merge patch', () => {
      const out = strategicMergePatch({ data: { a: '1', b: '2' } }, { data: { a: null } }, '/v1/ConfigMap');
      assert.deepEqual(out, { data: { b: '2' } });
    });
    it('rejects custom resources with the 415 sentinel', () => {
      assert.throws(
        () => strategicMergePatch({}, { spec: {} }, 'mcpfleet.dev/v1alpha1/McpServer'),
        (e: unknown) =>
          e instanceof StrategicMergeUnsupportedError &&
          e.code === 415 &&
          e.message.startsWith('the body of the request was in an unknown format - accepted media types include: application/json-patch+json'),
      );
    });
    it('rejects merge-list elements without their merge key', () => {
      assert.throws(() => strategicMergePatch(deployment, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'apps/v1/Deployment'), /does not contain declared merge key: name/);
    });
  });
});
