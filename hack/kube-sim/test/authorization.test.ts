// SubjectAccessReview / SelfSubjectAccessReview: kube-sim evaluates the stored RBAC objects the
// way kube-apiserver's RBAC authorizer does; kubectl auth can-i --as is the real client.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeSim } from '../src/api.ts';
import type { KubeSim } from '../src/api.ts';
import { call, kubectl } from './helpers.ts';

const SAR = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

function review(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
}

describe('kube-sim access reviews', function () {
  this.timeout(60000);
  let sim: KubeSim;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-sim-authz-'));
    sim = await startKubeSim({ log: () => {}, namespaces: ['team', 'other'], kubeconfigPath: join(dir, 'kubeconfig') });
    sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'key-reader', namespace: 'team' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db-key'] }] }));
    sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-keys', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'key-reader' }, subjects: [{ kind: 'User', name: 'alice' }] }));
    sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'mcp-viewer' }, rules: [{ apiGroups: ['mcpfleet.dev'], resources: ['mcpservers', 'mcpservers/status'], verbs: ['get', 'list', 'watch'] }, { nonResourceURLs: ['/metrics*'], verbs: ['get'] }] }));
    sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mcp-viewer' }, subjects: [{ kind: 'Group', name: 'viewers' }] }));
    sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'everything' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }));
    sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'robot-admin', namespace: 'other' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'everything' }, subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'other' }] }));
  });

  after(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function allowed(spec: Record<string, unknown>): Promise<boolean> {
    const reply = await call(sim.url, 'POST', SAR, review(spec));
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.kind, 'SubjectAccessReview');
    return reply.body.status.allowed as boolean;
  }

  it('allows a Role bound to a user, only for its resource names and namespace', async () => {
    assert.equal(await allowed({ user: 'alice', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets', name: 'db-key' } }), true);
    assert.equal(await allowed({ user: 'alice', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets', name: 'other-key' } }), false);
    assert.equal(await allowed({ user: 'alice', resourceAttributes: { namespace: 'team', verb: 'list', resource: 'secrets' } }), false);
    assert.equal(await allowed({ user: 'alice', resourceAttributes: { namespace: 'other', verb: 'get', resource: 'secrets', name: 'db-key' } }), false);
    assert.equal(await allowed({ user: 'bob', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets', name: 'db-key' } }), false);
  });

  it('gives the RBAC reason of an allowed review and none of a denied one', async () => {
    const yes = await call(sim.url, 'POST', SAR, review({ user: 'alice', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets', name: 'db-key' } }));
    assert.match(yes.body.status.reason, /RoleBinding "alice-keys\/team" of Role "key-reader"/);
    const no = await call(sim.url, 'POST', SAR, review({ user: 'bob', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets' } }));
    assert.equal(no.body.status.allowed, false);
    assert.equal(no.body.status.reason, undefined);
  });

  it('applies ClusterRoleBindings to groups in every namespace, with subresources and non-resource URLs', async () => {
    assert.equal(await allowed({ user: 'carol', groups: ['viewers'], resourceAttributes: { namespace: 'team', verb: 'list', group: 'mcpfleet.dev', resource: 'mcpservers' } }), true);
    assert.equal(await allowed({ groups: ['viewers'], resourceAttributes: { namespace: 'other', verb: 'get', group: 'mcpfleet.dev', resource: 'mcpservers', subresource: 'status' } }), true);
    assert.equal(await allowed({ groups: ['viewers'], resourceAttributes: { namespace: 'other', verb: 'update', group: 'mcpfleet.dev', resource: 'mcpservers' } }), false);
    assert.equal(await allowed({ groups: ['viewers'], resourceAttributes: { namespace: 'other', verb: 'get', group: 'mcpfleet.dev', resource: 'mcpservers', subresource: 'scale' } }), false);
    assert.equal(await allowed({ groups: ['viewers'], nonResourceAttributes: { path: '/metrics/cadvisor', verb: 'get' } }), true);
    assert.equal(await allowed({ groups: ['viewers'], nonResourceAttributes: { path: '/healthz', verb: 'get' } }), false);
  });

  it('matches ServiceAccount subjects by their user name, and a ClusterRole through a RoleBinding only in that namespace', async () => {
    assert.equal(await allowed({ user: 'system:serviceaccount:other:robot', resourceAttributes: { namespace: 'other', verb: 'delete', group: 'apps', resource: 'deployments', name: 'x' } }), true);
    assert.equal(await allowed({ user: 'system:serviceaccount:other:robot', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets' } }), false);
    assert.equal(await allowed({ user: 'system:serviceaccount:other:robot', resourceAttributes: { verb: 'list', resource: 'namespaces' } }), false);
    assert.equal(await allowed({ user: 'system:serviceaccount:team:robot', resourceAttributes: { namespace: 'other', verb: 'get', resource: 'pods' } }), false);
  });

  it('refuses malformed reviews with 422 and other methods with 405', async () => {
    const noSubject = await call(sim.url, 'POST', SAR, review({ resourceAttributes: { verb: 'get', resource: 'pods' } }));
    assert.equal(noSubject.status, 422);
    const both = await call(sim.url, 'POST', SAR, review({ user: 'a', resourceAttributes: { verb: 'get', resource: 'pods' }, nonResourceAttributes: { path: '/', verb: 'get' } }));
    assert.equal(both.status, 422);
    const noSpec = await call(sim.url, 'POST', SAR, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview' });
    assert.equal(noSpec.status, 400);
    assert.equal((await call(sim.url, 'GET', SAR)).status, 405);
  });

  it('answers SelfSubjectAccessReviews for the impersonated user, the administrator otherwise', async () => {
    const ssar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'team', verb: 'get', resource: 'secrets', name: 'db-key' } } };
    assert.equal((await call(sim.url, 'POST', SSAR, ssar)).body.status.allowed, true);
    assert.equal((await call(sim.url, 'POST', SSAR, ssar, 'application/json', { 'impersonate-user': 'alice' })).body.status.allowed, true);
    assert.equal((await call(sim.url, 'POST', SSAR, ssar, 'application/json', { 'impersonate-user': 'bob' })).body.status.allowed, false);
  });

  it('serves kubectl auth can-i --as', async () => {
    const can = (...args: string[]) => kubectl(sim.kubeconfigPath, join(dir, 'cache'), ['auth', 'can-i', ...args]);
    const alice = await can('get', 'secrets/db-key', '-n', 'team', '--as', 'alice');
    assert.equal(alice.stdout.trim(), 'yes', alice.stderr);
    const bob = await can('get', 'secrets/db-key', '-n', 'team', '--as', 'bob');
    assert.equal(bob.stdout.trim(), 'no', bob.stderr);
    const group = await can('get', '/metrics/cadvisor', '--as', 'dave', '--as-group', 'viewers');
    assert.equal(group.stdout.trim(), 'yes', group.stderr);
  });
});
