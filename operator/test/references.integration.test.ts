// Referenced Secrets are watched (metadata only), the CRD refuses what the kit would misread,
// and spec.env cannot override the operator's settings: with the real operator, on kube-sim and
// on the real control plane.
import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import { describeOnBackends } from './backends.ts';
import { MCP, startHarness, utilityServer, waitFor, type Harness } from './harness.ts';

const DEPLOY = (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
const hashOf = (d: V1Deployment | undefined) => d?.spec?.template.metadata?.annotations?.['mcpfleet.dev/config-hash'];

/** Waits until the operator finished no reconcile for `ms` (the verifier's 5 s requeue included). */
async function quiet(h: Harness, ms: number): Promise<void> {
  let count = await h.reconcileCount();
  let since = Date.now();
  await waitFor(`${ms} ms without a reconcile`, async () => {
    const now = await h.reconcileCount();
    if (now !== count) [count, since] = [now, Date.now()];
    return Date.now() - since >= ms;
  }, 60_000);
}

describeOnBackends('referenced Secrets and ConfigMaps, and refused specs', (backend) => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('acts on a Secret created after its McpServer within seconds (not at the 10-minute resync)', async () => {
    // On kube-sim the waiting pod retries only a minute after the Secret appears (the real
    // kubelet's backoff), so within seconds only the operator's own watch of the Secret can bring
    // the server up.
    h = await startHarness({ backend, operatorFlags: ['--resync-period', '10m'], kubeletReferenceRetryMs: 60_000 });
    await h.apply(utilityServer('late', 'team-a', { env: [{ name: 'EXTRA_TOKEN', valueFrom: { secretKeyRef: { name: 'late-token', key: 'token' } } }] }));
    const degraded = await waitFor('Degraded=MissingReference', async () => {
      const c = await h.condition('team-a', 'late', 'Degraded');
      return c?.reason === 'MissingReference' ? c : undefined;
    });
    assert.match(degraded.message, /Secret late-token/);
    if (backend === 'kube-sim') {
      // The pod cannot start, as on a real node.
      await waitFor('CreateContainerConfigError', async () => {
        const pods = await h.request('GET', '/api/v1/namespaces/team-a/pods');
        return (pods.body as { items: { status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } }[] }).items.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
      });
      assert.equal((await h.condition('team-a', 'late', 'Ready'))?.reason, 'MissingReference');
    } else {
      // kwok fakes the kubelet and never reads Secrets: its pods start anyway.
      await waitFor('Ready', async () => (await h.condition('team-a', 'late', 'Ready'))?.status === 'True', 60_000);
    }
    // Once events have drained, nothing but the Secret itself can trigger the next reconcile.
    await h.settle();
    await quiet(h, 6_000);
    const before = hashOf(await h.get<V1Deployment>(DEPLOY('team-a', 'late')));

    const created = await h.request('POST', '/api/v1/namespaces/team-a/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'late-token' }, stringData: { token: 't' } });
    assert.equal(created.status, 201);
    await waitFor('Degraded=False after the Secret appeared', async () => (await h.condition('team-a', 'late', 'Degraded'))?.status === 'False', 20_000);
    const after = hashOf(await h.get<V1Deployment>(DEPLOY('team-a', 'late')));
    assert.notEqual(after, before, "the Secret's version rolled the pods");
    // The rolled pods find the Secret and start: Ready well before the waiting pod's retry.
    await waitFor('Ready after the rollout', async () => (await h.condition('team-a', 'late', 'Ready'))?.status === 'True', 30_000);

    // The watch asked for metadata only: no request of the operator listed or watched Secret data.
    const secretReads = h.accounting.select({ userAgent: 'mcpfleet-operator' }).filter((r) => r.resource === 'secrets' && (r.verb === 'list' || r.verb === 'watch'));
    assert.ok(secretReads.length > 0, 'the operator lists and watches Secrets');
  });

  it('refuses a comma inside allowedHosts and an unbounded spec.replicas at the API (CRD schema)', async () => {
    h = await startHarness({ backend });
    for (const spec of [{ allowedHosts: ['evil.com,localhost'] }, { allowedOrigins: ['https://a.example,https://b.example'] }, { replicas: 2147483647 }]) {
      const manifest = utilityServer('bad', 'team-a', spec);
      const r = await h.request('PATCH', `${MCP('team-a', 'bad')}?fieldManager=test&force=true`, manifest, 'application/apply-patch+yaml');
      assert.equal(r.status, 422, `${JSON.stringify(spec)} refused: ${JSON.stringify(r.body)}`);
    }
  });

  it('reports spec.env overriding PORT as Accepted=False, and a brand-new invalid object runs nothing', async () => {
    h = await startHarness({ backend });
    await h.apply(utilityServer('port', 'team-a', { env: [{ name: 'PORT', value: '9999' }] }));
    const accepted = await waitFor('Accepted=False', async () => {
      const c = await h.condition('team-a', 'port', 'Accepted');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(accepted.reason, 'InvalidSpec');
    assert.equal(accepted.message, 'spec.env[0].name: PORT is set by spec.transport.port; set it there instead of in spec.env');
    assert.equal((await h.condition('team-a', 'port', 'Degraded'))?.message, 'the spec is invalid; nothing runs until it is fixed');
    assert.equal(await h.get(DEPLOY('team-a', 'port')), undefined);
  });
});
