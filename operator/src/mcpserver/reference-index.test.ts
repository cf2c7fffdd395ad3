import assert from 'node:assert/strict';
import { ReferenceIndex } from './reference-index.ts';

describe('ReferenceIndex', () => {
  it('maps a Secret or ConfigMap to the McpServers of its namespace that reference it, and forgets replaced references', () => {
    const index = new ReferenceIndex();
    index.track('team-a/one', 'team-a', [{ kind: 'Secret', name: 'keys', optional: false }, { kind: 'ConfigMap', name: 'settings', optional: true }]);
    index.track('team-a/two', 'team-a', [{ kind: 'Secret', name: 'keys', optional: false }]);
    index.track('team-b/three', 'team-b', [{ kind: 'Secret', name: 'keys', optional: false }]);
    assert.deepEqual(index.ownersOf('team-a', 'Secret', 'keys').sort(), ['team-a/one', 'team-a/two']);
    assert.deepEqual(index.ownersOf('team-a', 'ConfigMap', 'keys'), [], 'a ConfigMap of the same name is another object');
    assert.deepEqual(index.ownersOf('team-b', 'Secret', 'keys'), ['team-b/three']);
    index.track('team-a/one', 'team-a', []);
    assert.deepEqual(index.ownersOf('team-a', 'Secret', 'keys'), ['team-a/two']);
    assert.deepEqual(index.ownersOf('team-a', 'ConfigMap', 'settings'), []);
    index.forget('team-a/two');
    assert.deepEqual(index.ownersOf('team-a', 'Secret', 'keys'), []);
  });
});
