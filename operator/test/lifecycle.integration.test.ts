// The operator's lifecycle with the real operator and real MCP servers, on kube-sim and on the
// real control plane (where the operator runs under its own RBAC and every diff is a real hot-loop).
import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import { describeOnBackends } from './backends.ts';
import { MCP, quiescent, startHarness, utilityServer, waitFor, type Harness } from './harness.ts';

const DEPLOY = (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
const SVC = (ns: string, name: string) => `/api/v1/namespaces/${ns}/services/${name}`;
const SA = (ns: string, name: string) => `/api/v1/namespaces/${ns}/serviceaccounts/${name}`;
const hashOf = (d: V1Deployment | undefined) => d?.spec?.template.metadata?.annotations?.['mcpfleet.dev/config-hash'];

async function ready(h: Harness, ns: string, name: string, generation?: number) {
  return waitFor(`${ns}/${name} Ready`, async () => {
    const s = await h.mcpServer(ns, name);
    const c = s?.status?.conditions?.find((x) => x.type === 'Ready');
    return c?.status === 'True' && (generation === undefined || s?.status?.observedGeneration === generation) ? s : undefined;
  });
}

describeOnBackends('operator lifecycle', (backend) => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('creates ServiceAccount, Deployment and Service with owner references and labels, then goes Available → Verified → Ready', async () => {
    h = await startHarness({ backend });
    await h.apply(utilityServer('kv'));
    const server = await ready(h, 'team-a', 'kv');
    for (const path of [DEPLOY('team-a', 'kv'), SVC('team-a', 'kv'), SA('team-a', 'kv')]) {
      const child = await h.get<{ metadata: { ownerReferences: { uid: string; controller: boolean; kind: string }[]; labels: Record<string, string> } }>(path);
      assert.ok(child, `${path} exists`);
      assert.deepEqual(child.metadata.ownerReferences.map((o) => [o.kind, o.uid, o.controller]), [['McpServer', server.metadata.uid, true]]);
      for (const label of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app.kubernetes.io/managed-by']) assert.ok(child.metadata.labels[label], `${path} has ${label}`);
    }
    const status = server.status!;
    for (const type of ['Accepted', 'Available', 'Verified', 'Ready']) assert.equal(status.conditions!.find((c) => c.type === type)?.status, 'True', type);
    assert.equal(status.conditions!.find((c) => c.type === 'Degraded')?.status, 'False');
    assert.equal(status.server?.name, 'utility');
    assert.ok((status.toolCount ?? 0) >= 6, `tools: ${status.toolCount}`);
    assert.ok(status.tools?.some((t) => t.name === 'kv_get'));
    assert.equal(status.url, 'http://kv.team-a.svc.cluster.local/mcp');
    assert.equal(status.selector, 'app.kubernetes.io/instance=kv,app.kubernetes.io/component=mcp-server');
    // Events are written after the status: wait for it rather than race it.
    await waitFor('an Event records the transition to Ready', async () => {
      const events = await h.get<{ items: { reason: string; involvedObject: { name: string } }[] }>('/api/v1/namespaces/team-a/events');
      return events?.items.some((e) => e.involvedObject.name === 'kv' && e.reason === 'ServerReady') || undefined;
    });
  });

  it('rolls the pods on a spec change but not on a label change, and scales through the scale subresource, to zero (Ready, ScaledToZero) and back', async () => {
    h = await startHarness({ backend });
    await h.apply(utilityServer('kv'));
    await ready(h, 'team-a', 'kv', 1);
    const before = await h.get<V1Deployment>(DEPLOY('team-a', 'kv'));

    h.accounting.reset();
    const labelled = await h.request('PATCH', MCP('team-a', 'kv'), { metadata: { labels: { team: 'blue' } } }, 'application/merge-patch+json');
    assert.equal(labelled.status, 200);
    await h.settle();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.accounting.count({ userAgent: 'mcpfleet-operator', resource: 'deployments.apps', verb: 'patch' }), 0, 'a label-only change does not touch the Deployment');
    assert.equal(hashOf(await h.get<V1Deployment>(DEPLOY('team-a', 'kv'))), hashOf(before));

    await h.apply(utilityServer('kv', 'team-a', { env: [{ name: 'KV_MAX_KEYS', value: '500' }] }));
    const changed = await waitFor('a new config hash', async () => {
      const d = await h.get<V1Deployment>(DEPLOY('team-a', 'kv'));
      return hashOf(d) !== hashOf(before) ? d : undefined;
    });
    assert.ok(changed.spec!.template.spec!.containers[0]!.env!.some((e) => e.name === 'KV_MAX_KEYS'));
    const rolled = await ready(h, 'team-a', 'kv', 2);
    assert.equal(rolled.status?.observedGeneration, 2);

    const scaled = await h.request('PATCH', `${MCP('team-a', 'kv')}/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    assert.equal(scaled.status, 200, JSON.stringify(scaled.body));
    await waitFor('3 replicas', async () => ((await h.get<V1Deployment>(DEPLOY('team-a', 'kv')))?.spec?.replicas === 3 ? true : undefined));
    const after = await waitFor('3 ready replicas in status', async () => {
      const s = await h.mcpServer('team-a', 'kv');
      return s?.status?.readyReplicas === 3 ? s : undefined;
    });
    assert.equal(after.spec.replicas, 3);
    assert.equal(hashOf(await h.get<V1Deployment>(DEPLOY('team-a', 'kv'))), hashOf(changed), 'scaling does not roll the pods');

    // Zero by design is a settled state (GitOps tools waiting on the object must not hang on it):
    // Ready with reason ScaledToZero, while Available says nothing serves.
    await h.request('PATCH', `${MCP('team-a', 'kv')}/scale`, { spec: { replicas: 0 } }, 'application/merge-patch+json');
    const zero = await waitFor('Ready=True ScaledToZero', async () => {
      const s = await h.mcpServer('team-a', 'kv');
      const c = s?.status?.conditions?.find((x) => x.type === 'Ready');
      return c?.status === 'True' && c.reason === 'ScaledToZero' ? s : undefined;
    }, 90_000);
    const conditionOf = (type: string) => zero.status!.conditions!.find((c) => c.type === type);
    assert.deepEqual([conditionOf('Available')?.status, conditionOf('Available')?.reason], ['False', 'ScaledToZero']);
    assert.deepEqual([conditionOf('Reconciling')?.status, conditionOf('Stalled')?.status, conditionOf('Degraded')?.status], ['False', 'False', 'False']);
    assert.equal(zero.status?.readyReplicas ?? 0, 0);
    await h.request('PATCH', `${MCP('team-a', 'kv')}/scale`, { spec: { replicas: 1 } }, 'application/merge-patch+json');
    await waitFor('Ready again with a replica serving', async () => {
      const s = await h.mcpServer('team-a', 'kv');
      return s?.status?.conditions?.find((x) => x.type === 'Ready')?.reason === 'ServerReady' && s.status.readyReplicas === 1 ? true : undefined;
    }, 90_000);
  });

  it('recreates a child deleted by hand, restores a hand-edited owned field, and garbage-collects children on delete', async () => {
    h = await startHarness({ backend });
    await h.apply(utilityServer('kv', 'team-a', { replicas: 2 }));
    await ready(h, 'team-a', 'kv');
    const svc = await h.get<{ metadata: { uid: string } }>(SVC('team-a', 'kv'));
    assert.equal((await h.request('DELETE', SVC('team-a', 'kv'))).status, 200);
    await waitFor('the Service recreated', async () => {
      const again = await h.get<{ metadata: { uid: string } }>(SVC('team-a', 'kv'));
      return again && again.metadata.uid !== svc!.metadata.uid ? again : undefined;
    });

    const edit = await h.request('PATCH', DEPLOY('team-a', 'kv'), { spec: { replicas: 5 } }, 'application/merge-patch+json');
    assert.equal(edit.status, 200);
    await waitFor('replicas restored to 2', async () => ((await h.get<V1Deployment>(DEPLOY('team-a', 'kv')))?.spec?.replicas === 2 ? true : undefined));

    assert.equal((await h.request('DELETE', MCP('team-a', 'kv'))).status, 200);
    await waitFor('children garbage-collected', async () => {
      const left = await Promise.all([DEPLOY('team-a', 'kv'), SVC('team-a', 'kv'), SA('team-a', 'kv')].map((p) => h.get(p)));
      return left.every((x) => x === undefined) ? true : undefined;
    });
  });

  // What the CRD's CEL rules can say: the real API server rejects these at admission; kube-sim
  // does not evaluate CEL, so there they reach the operator exactly as on a server without CEL.
  const celTable: { name: string; spec: Record<string, unknown>; message: RegExp }[] = [
    { name: 'both', spec: { catalog: 'utility', image: 'ghcr.io/acme/x:1' }, message: /set exactly one of spec\.catalog and spec\.image/ },
    { name: 'clash', spec: { catalog: 'utility', autoscaling: { hpa: { maxReplicas: 2 }, keda: { maxReplicas: 2 } } }, message: /set at most one of autoscaling\.hpa and autoscaling\.keda/ },
  ];
  const invalid = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name, namespace: 'team-a' }, spec });

  it('reports a spec the schema lets through as Accepted=False (CEL rejects at admission where it can), reconciles it a bounded number of times, and keeps serving others', async () => {
    h = await startHarness({ backend });
    for (const row of celTable) {
      if (backend === 'real') await assert.rejects(h.apply(invalid(row.name, row.spec)), (e: Error) => /apply failed: 422/.test(e.message) && row.message.test(e.message), row.name);
      else await h.apply(invalid(row.name, row.spec));
    }
    await h.apply(invalid('badcfg', { catalog: 'filesystem', config: { root: '/data' } }));
    await h.apply(utilityServer('good', 'team-b'));
    const accepted = async (name: string) => waitFor(`${name} Accepted=False`, async () => {
      const c = await h.condition('team-a', name, 'Accepted');
      return c?.status === 'False' ? c : undefined;
    });
    if (backend === 'kube-sim') for (const row of celTable) assert.match((await accepted(row.name)).message, row.message);
    else for (const row of celTable) assert.equal(await h.mcpServer('team-a', row.name), undefined, `${row.name} was never stored`);
    const cfg = await accepted('badcfg');
    assert.equal(cfg.reason, 'InvalidCatalogConfig');
    assert.match(cfg.message, /spec\.config/);
    await ready(h, 'team-b', 'good');
    assert.equal(await h.get(DEPLOY('team-a', 'both')), undefined, 'nothing is deployed for an invalid spec');
    assert.equal(await h.get(DEPLOY('team-a', 'badcfg')), undefined, 'nothing is deployed for an invalid spec');

    // Let the last status writes' own watch events drain, then watch a quiet window.
    await h.settle();
    const before = await h.reconcileCount();
    await new Promise((r) => setTimeout(r, 1_500));
    assert.ok((await h.reconcileCount()) - before <= 2, 'no hot loop on invalid specs');
  });

  it('makes zero writes on a forced full resync after convergence', async () => {
    h = await startHarness({ backend, operatorFlags: ['--resync-period', '1s'] });
    await h.apply(utilityServer('a'));
    await h.apply(utilityServer('b', 'team-b', { replicas: 2, expose: { service: { type: 'ClusterIP', port: 8080 } } }));
    await ready(h, 'team-a', 'a');
    await ready(h, 'team-b', 'b');
    await quiescent(() => h.operatorWrites());
    assert.ok(h.operatorWrites() > 0, 'the accounting sees the operator\'s writes while it converges');
    h.accounting.reset();
    const before = await h.reconcileCount();
    await new Promise((r) => setTimeout(r, 3_000));
    assert.ok((await h.reconcileCount()) - before >= 4, 'the 1 s resync re-reconciled both servers several times');
    assert.equal(h.operatorWrites(), 0, `writes: ${JSON.stringify(h.accounting.snapshot().byUserAgent)}`);
  });
});
