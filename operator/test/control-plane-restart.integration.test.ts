// Restarts of kube-apiserver and of etcd under a running operator, on the real control plane (no
// injected faults: the processes really stop and start, same ports, same data). The operator must
// converge afterwards: every server Ready, the spec change that was in flight during the restart
// observed, exactly one of each child, and its watches resumed — a change made after the restart
// is reconciled long before the 10-minute resync could pick it up.
import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import { sharedCluster } from '../../hack/cluster/src/shared.ts';
import type { LocalCluster } from '../../hack/cluster/src/cluster.ts';
import type { McpServer } from '../src/api/mcpserver.ts';
import { testBackends } from './backends.ts';
import { startHarness, utilityServer, waitFor, type Harness } from './harness.ts';

const SERVERS: [string, string][] = [['team-a', 's0'], ['team-b', 's1'], ['team-a', 's2'], ['team-b', 's3']];
/** Generous for a busy 2-core machine, and far below the operator's 10-minute resync. */
const CONVERGE_MS = 120_000;
const CHILDREN = ['/apis/apps/v1/namespaces/%s/deployments', '/api/v1/namespaces/%s/services', '/api/v1/namespaces/%s/serviceaccounts'];
const hashOf = (d: V1Deployment | undefined) => d?.spec?.template.metadata?.annotations?.['mcpfleet.dev/config-hash'];

interface ReadyState { server: McpServer; generation: number }

async function converged(h: Harness, ns: string, name: string, generation?: number): Promise<ReadyState> {
  return waitFor(`${ns}/${name} Ready${generation ? ` at generation ${generation}` : ''}`, async () => {
    const server = await h.mcpServer(ns, name);
    const ready = server?.status?.conditions?.find((c) => c.type === 'Ready');
    const observed = server?.status?.observedGeneration;
    if (ready?.status !== 'True' || observed !== server!.metadata.generation) return undefined;
    if (generation !== undefined && observed !== generation) return undefined;
    return { server: server!, generation: observed! };
  }, CONVERGE_MS);
}

async function allConverged(h: Harness): Promise<void> {
  for (const [ns, name] of SERVERS) await converged(h, ns, name);
}

/** Exactly one Deployment, Service and ServiceAccount per server, each owned by the live McpServer. */
async function assertOneOfEachChild(h: Harness): Promise<void> {
  for (const [ns, name] of SERVERS) {
    const uid = (await h.mcpServer(ns, name))!.metadata.uid;
    const selector = encodeURIComponent(`app.kubernetes.io/instance=${name},app.kubernetes.io/component=mcp-server`);
    for (const template of CHILDREN) {
      const list = await h.get<{ items: { metadata: { name: string; ownerReferences?: { uid: string }[] } }[] }>(`${template.replace('%s', ns)}?labelSelector=${selector}`);
      assert.deepEqual(list?.items.map((c) => [c.metadata.name, c.metadata.ownerReferences?.map((o) => o.uid)]), [[name, [uid]]], `${template.replace('%s', ns)} of ${name}`);
    }
  }
}

async function deployment(h: Harness, ns: string, name: string): Promise<V1Deployment> {
  return waitFor(`Deployment ${ns}/${name}`, () => h.get<V1Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`));
}

/**
 * Converges the servers, starts a spec change and restarts the component while the operator is
 * reconciling it, then checks convergence, the in-flight change, the children and the watches.
 */
async function survivesRestart(h: Harness, restart: () => Promise<void>): Promise<void> {
  for (const [ns, name] of SERVERS) await h.apply(utilityServer(name, ns));
  await allConverged(h);
  const [changedNs, changed] = SERVERS[0]!;
  const hashBefore = hashOf(await deployment(h, changedNs, changed));

  // In flight: the API server accepted the change; the operator is rolling it out as the restart begins.
  await h.apply(utilityServer(changed, changedNs, { env: [{ name: 'KV_MAX_KEYS', value: '500' }] }));
  await restart();

  const { server } = await converged(h, changedNs, changed, 2);
  assert.equal(server.status?.observedGeneration, 2, 'the change made before the restart was observed');
  const rolled = await deployment(h, changedNs, changed);
  assert.notEqual(hashOf(rolled), hashBefore, 'and rolled out');
  assert.ok(rolled.spec!.template.spec!.containers[0]!.env!.some((e) => e.name === 'KV_MAX_KEYS'));
  await allConverged(h);
  await assertOneOfEachChild(h);

  // The watches resumed: a change made after the restart is reconciled without waiting for a resync.
  const [scaledNs, scaled] = SERVERS[1]!;
  await h.apply(utilityServer(scaled, scaledNs, { replicas: 2 }));
  await waitFor('the post-restart change reached the Deployment', async () => (await deployment(h, scaledNs, scaled)).spec?.replicas === 2, CONVERGE_MS);
  await converged(h, scaledNs, scaled, 2);
  await h.apply(utilityServer('after', 'team-b'));
  await converged(h, 'team-b', 'after', 1);
}

if (testBackends().includes('real')) {
  describe('operator across control-plane restarts on the real control plane', function () {
    this.timeout(8 * 60_000);
    let cluster: LocalCluster;
    let h: Harness | undefined;
    before(async function () {
      this.timeout(90 * 60_000);
      cluster = await sharedCluster();
    });
    afterEach(async () => {
      await h?.stop();
      h = undefined;
    });

    it('converges after kube-apiserver restarts mid-run, with a spec change in flight', async () => {
      h = await startHarness({ backend: 'real' });
      await survivesRestart(h, () => cluster.restartApiServer());
    });

    it('converges after etcd restarts mid-run, with a spec change in flight', async () => {
      h = await startHarness({ backend: 'real' });
      await survivesRestart(h, () => cluster.restartEtcd());
    });
  });
}
