import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeConfig } from './client.ts';
import { resourcePath, withQuery } from './paths.ts';

describe('loadKubeConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcpfleet-kc-'));
    writeFileSync(
      join(dir, 'config'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: one, cluster: {server: "https://one.example:6443"}}, {name: two, cluster: {server: "https://two.example:6443"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: c1, context: {cluster: one, user: u}}, {name: c2, context: {cluster: two, user: u}}]',
        'current-context: c1',
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads an explicit file and honours --context', () => {
    assert.equal(loadKubeConfig({ kubeconfigPath: join(dir, 'config') }).getCurrentCluster()?.server, 'https://one.example:6443');
    assert.equal(loadKubeConfig({ kubeconfigPath: join(dir, 'config'), context: 'c2' }).getCurrentCluster()?.server, 'https://two.example:6443');
  });

  it('explains a missing file or an unknown context', () => {
    assert.throws(() => loadKubeConfig({ kubeconfigPath: join(dir, 'nope') }), /kubeconfig file .*nope does not exist/);
    assert.throws(() => loadKubeConfig({ kubeconfigPath: join(dir, 'config'), context: 'c3' }), /kubeconfig has no context "c3" \(available: c1, c2\)/);
  });
});

describe('resource paths', () => {
  it('builds core, group, namespaced, cluster-scoped and subresource paths', () => {
    assert.equal(resourcePath({ apiVersion: 'v1', plural: 'services', namespace: 'a', name: 's' }), '/api/v1/namespaces/a/services/s');
    assert.equal(resourcePath({ apiVersion: 'mcpfleet.dev/v1alpha1', plural: 'mcpservers' }), '/apis/mcpfleet.dev/v1alpha1/mcpservers');
    assert.equal(resourcePath({ apiVersion: 'mcpfleet.dev/v1alpha1', plural: 'mcpservers', namespace: 'a', name: 'w', subresource: 'status' }), '/apis/mcpfleet.dev/v1alpha1/namespaces/a/mcpservers/w/status');
    assert.throws(() => resourcePath({ apiVersion: 'a/b/c', plural: 'x' }), /invalid apiVersion/);
    assert.equal(withQuery('/p', { a: 1, b: undefined, c: 'x y' }), '/p?a=1&c=x+y');
  });
});
