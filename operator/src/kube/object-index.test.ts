import assert from 'node:assert/strict';
import { controllerOwnerUids } from './keys.ts';
import { ObjectIndex } from './object-index.ts';
import type { KubeObject } from './types.ts';

const child = (name: string, ownerUid?: string, controller = true): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'n', ...(ownerUid ? { ownerReferences: [{ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', name: 'o', uid: ownerUid, controller }] } : {}) },
});
const names = (objs: KubeObject[]) => objs.map((o) => o.metadata?.name).sort();

describe('ObjectIndex by controller owner uid', () => {
  it('files objects under their controller owner, re-files on update and forgets on delete and clear', () => {
    const index = new ObjectIndex(controllerOwnerUids);
    index.set('n/a', child('a', 'u1'));
    index.set('n/b', child('b', 'u1'));
    index.set('n/c', child('c', 'u2'));
    index.set('n/free', child('free'));
    index.set('n/adopted', child('adopted', 'u1', false));
    assert.deepEqual(names(index.get('u1')), ['a', 'b'], 'only controller references count');
    index.set('n/b', child('b', 'u2'));
    assert.deepEqual(names(index.get('u1')), ['a']);
    assert.deepEqual(names(index.get('u2')), ['b', 'c']);
    index.delete('n/c');
    index.delete('n/never-filed');
    assert.deepEqual(names(index.get('u2')), ['b']);
    index.clear();
    assert.deepEqual(index.get('u1'), []);
    assert.deepEqual(index.get('u2'), []);
  });

  it('returns a fresh array the caller may change', () => {
    const index = new ObjectIndex(controllerOwnerUids);
    index.set('n/a', child('a', 'u1'));
    index.get('u1').pop();
    assert.equal(index.get('u1').length, 1);
  });
});
