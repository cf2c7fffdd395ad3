import assert from 'node:assert/strict';
import { makeKey, objectKey, ownerKeyOf, parseKey } from './keys.ts';

describe('object keys', () => {
  it('builds and parses namespace/name keys', () => {
    assert.equal(objectKey({ metadata: { name: 'a', namespace: 'ns' } }), 'ns/a');
    assert.equal(objectKey({ metadata: { name: 'cluster-wide' } }), 'cluster-wide');
    assert.equal(makeKey('ns', 'a'), 'ns/a');
    assert.deepEqual(parseKey('ns/a'), { namespace: 'ns', name: 'a' });
    assert.deepEqual(parseKey('a'), { namespace: undefined, name: 'a' });
    assert.throws(() => parseKey('a/b/c'), /invalid object key/);
    assert.throws(() => objectKey({ kind: 'Pod', metadata: {} }), /Pod has no metadata.name/);
  });

  it('maps a child to its owner through the controller ownerReference', () => {
    const owner = { group: 'mcpfleet.dev', kind: 'McpServer' };
    const child = {
      metadata: {
        name: 'weather-abc',
        namespace: 'team-a',
        labels: { 'app.kubernetes.io/instance': 'other' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '1', controller: false },
          { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', name: 'weather', uid: '2', controller: true },
        ],
      },
    };
    assert.equal(ownerKeyOf(child, owner), 'team-a/weather');
  });

  it('ignores non-controller references and other groups, then falls back to the instance label', () => {
    const owner = { group: 'mcpfleet.dev', kind: 'McpServer' };
    const child = {
      metadata: {
        name: 'x',
        namespace: 'ns',
        labels: { 'app.kubernetes.io/instance': 'weather' },
        ownerReferences: [
          { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', name: 'not-controller', uid: '1' },
          { apiVersion: 'example.com/v1', kind: 'McpServer', name: 'foreign', uid: '2', controller: true },
        ],
      },
    };
    assert.equal(ownerKeyOf(child, owner), 'ns/weather');
    assert.equal(ownerKeyOf(child, { ...owner, instanceLabel: false }), undefined);
    assert.equal(ownerKeyOf({ metadata: { name: 'y', namespace: 'ns' } }, owner), undefined);
  });
});
