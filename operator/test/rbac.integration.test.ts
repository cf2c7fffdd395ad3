// Least privilege on the real control plane: the operator runs as the chart's ServiceAccount, and
// a verb missing from the rules fails the test that needed it (the harness checks the audit log
// for refusals and for operator requests made as any other user).
import assert from 'node:assert/strict';
import { sharedCluster } from '../../hack/cluster/src/shared.ts';
import { testBackends } from './backends.ts';
import { startHarness, utilityServer, waitFor, type Harness } from './harness.ts';

const ROLE = '/apis/rbac.authorization.k8s.io/v1/clusterroles/mcpfleet';
type Role = { metadata: Record<string, unknown>; rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };

if (testBackends().includes('real')) {
  describe('operator RBAC on the real control plane', function () {
    this.timeout(240_000);
    before(async function () {
      this.timeout(90 * 60_000);
      await sharedCluster();
    });

    it('runs as its own ServiceAccount, and a test fails when the chart\'s rules lack a verb it uses', async () => {
      const cluster = await sharedCluster();
      let h: Harness | undefined = await startHarness({ backend: 'real', startOperator: false });
      const original = (await cluster.request<Role>('GET', ROLE)).body;
      try {
        // Take "create events" away from the rendered ClusterRole.
        const rules = original.rules.map((r) => (r.resources.includes('events') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r)).filter((r) => r.verbs.length > 0);
        assert.equal((await cluster.request('PUT', ROLE, { ...original, metadata: { ...original.metadata, resourceVersion: undefined }, rules })).status, 200);
        await h.operator.start();
        await h.apply(utilityServer('kv'));
        await waitFor('kv Ready', async () => ((await h!.condition('team-a', 'kv', 'Ready'))?.status === 'True' ? true : undefined), 120_000);
        const whoami = await cluster.request<{ status: { userInfo: { username: string } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
        assert.equal(whoami.body.status.userInfo.username, 'admin', 'the test itself is the admin; the operator is not');
        const stopping = h.stop();
        h = undefined;
        await assert.rejects(stopping, (e: Error) => e.message.includes(`create events in "team-a" refused with 403`) && e.message.includes('ServiceAccount'));
      } finally {
        await h?.stop().catch(() => undefined);
        const current = (await cluster.request<Role>('GET', ROLE)).body;
        await cluster.request('PUT', ROLE, { ...original, metadata: { ...original.metadata, resourceVersion: current.metadata.resourceVersion } });
      }
    });
  });
}
