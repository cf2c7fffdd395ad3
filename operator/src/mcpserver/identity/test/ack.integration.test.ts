// The ACK path of EKS Pod Identity with the real operator, on kube-sim and on the real control
// plane (whose garbage collector really deletes the association object): with ACK's
// PodIdentityAssociation fixture CRD registered, the association is an owned Kubernetes object
// (no EKS API call, no finalizer), its status (written here as ACK's eks-controller would) drives
// IdentityReady, a role change updates it, steady state makes zero writes, and deleting the
// McpServer garbage-collects it. Moving from the EKS API path to ACK deletes the old association
// and its finalizer first; --pod-identity-provider=ack without the CRD says so. The local EKS
// stub counts every EKS call to prove none is made on the ACK path.
import assert from 'node:assert/strict';
import { IDENTITY } from '../../../api/constants.ts';
import type { McpServer } from '../../../api/mcpserver.ts';
import { allows, operatorRbacRules } from '../../../rbac.ts';
import { describeOnBackends } from '../../../../test/backends.ts';
import { MCP, quiescent, utilityServer, type Harness } from '../../../../test/harness.ts';
import { patient, useEksCluster } from './eks-cluster.ts';

const ACK_CRD = 'hack/kube-sim/fixtures/crds/ack-eks-podidentityassociations.yaml';
const ROLE = 'arn:aws:iam::123456789012:role/mcp-kv';
const ROLE2 = 'arn:aws:iam::123456789012:role/mcp-kv-v2';
const PIA = (ns: string, name: string) => `/apis/eks.services.k8s.aws/v1alpha1/namespaces/${ns}/podidentityassociations/${name}`;

interface Pia {
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
  spec: { clusterName?: string; namespace: string; serviceAccount: string; roleARN?: string; tags?: Record<string, string> };
  status?: Record<string, unknown>;
}

async function identity(h: Harness, ns: string, name: string, status: 'True' | 'False' | 'Unknown', reason?: string): Promise<{ server: McpServer; message: string }> {
  return patient(`${ns}/${name} IdentityReady=${status}${reason ? ` (${reason})` : ''}`, async () => {
    const server = await h.mcpServer(ns, name);
    const c = server?.status?.conditions?.find((x) => x.type === IDENTITY.condition);
    return c?.status === status && (reason === undefined || c.reason === reason) ? { server: server!, message: c.message } : undefined;
  });
}

/** Writes the status ACK's eks-controller would write (through the status subresource). */
async function ackReports(h: Harness, ns: string, name: string, status: Record<string, unknown>): Promise<void> {
  const r = await h.request('PATCH', `${PIA(ns, name)}/status`, { status }, 'application/merge-patch+json');
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const synced = (id: string) => ({
  associationID: id,
  associationARN: `arn:aws:eks:us-west-2:123456789012:podidentityassociation/prod/${id}`,
  ackResourceMetadata: { ownerAccountID: '123456789012', region: 'us-west-2', arn: `arn:aws:eks:us-west-2:123456789012:podidentityassociation/prod/${id}` },
  conditions: [{ type: 'ACK.ResourceSynced', status: 'True', message: 'Resource synced successfully', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
});

describeOnBackends('EKS Pod Identity through an ACK PodIdentityAssociation (fixture CRD)', (backend) => {
  const startCluster = useEksCluster(backend);
  const start = (opts: { ackCrd: boolean; flags?: string[] }) =>
    startCluster({ clusters: ['prod'], manifests: opts.ackCrd ? [ACK_CRD] : [], flags: ['--eks-cluster-name', 'prod', ...(opts.flags ?? [])] });

  it('creates the association object instead of calling EKS, reports ACK\'s sync, updates the role, makes zero writes in steady state, and is garbage-collected with the McpServer', async () => {
    const { h, stub } = await start({ ackCrd: true });
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE } } }));

    const pia = await patient('the PodIdentityAssociation', () => h.get<Pia>(PIA('team-a', 'kv')));
    const { server, message } = await identity(h, 'team-a', 'kv', 'Unknown', 'AckAssociationPending');
    assert.deepEqual(pia.spec, { clusterName: 'prod', namespace: 'team-a', serviceAccount: 'kv', roleARN: ROLE, tags: { [IDENTITY.ownerTag]: 'team-a/kv' } });
    assert.deepEqual(
      pia.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]),
      [['McpServer', 'kv', server.metadata.uid, true]],
    );
    assert.equal(pia.metadata.labels?.['app.kubernetes.io/managed-by'], 'mcpfleet-operator');
    assert.match(message, /waiting for ACK's eks-controller to sync PodIdentityAssociation team-a\/kv/);
    assert.equal(server.metadata.finalizers, undefined, 'no finalizer on the ACK path: the garbage collector deletes the association object');
    assert.equal(server.metadata.annotations?.[IDENTITY.associationAnnotation], undefined);

    await ackReports(h, 'team-a', 'kv', synced('a-0123456789abcdef0'));
    const ready = await identity(h, 'team-a', 'kv', 'True');
    assert.match(ready.message, /through ACK: PodIdentityAssociation team-a\/kv \(association a-0123456789abcdef0\) in cluster prod binds ServiceAccount team-a\/kv to arn:aws:iam::123456789012:role\/mcp-kv$/);
    await patient('Ready', async () => (await h.condition('team-a', 'kv', 'Ready'))?.status === 'True');

    // Steady state: several forced resyncs, no Kubernetes write, and never an EKS call.
    await quiescent(() => h.operatorWrites());
    await new Promise((r) => setTimeout(r, 500));
    h.accounting.reset();
    const before = await h.reconcileCount();
    await patient('three more reconciles', async () => (await h.reconcileCount()) - before >= 3, 20_000);
    assert.equal(h.operatorWrites(), 0, `Kubernetes writes in steady state: ${JSON.stringify(h.accounting.snapshot())}`);

    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE2 } } }));
    const updated = await patient('roleARN updated', async () => {
      const p = await h.get<Pia>(PIA('team-a', 'kv'));
      return p?.spec.roleARN === ROLE2 ? p : undefined;
    });
    assert.equal(updated.metadata.uid, pia.metadata.uid, 'updated in place, not replaced');

    // ACK reports a terminal error: IdentityReady is False with ACK's own message.
    const terminal = 'InvalidParameterException: role mcp-kv-v2 does not trust pods.eks.amazonaws.com';
    await ackReports(h, 'team-a', 'kv', { conditions: [{ type: 'ACK.ResourceSynced', status: 'False' }, { type: 'ACK.Terminal', status: 'True', message: terminal }] });
    const failed = await identity(h, 'team-a', 'kv', 'False', 'AckAssociationFailed');
    assert.ok(failed.message.includes(terminal), failed.message);
    assert.equal(failed.server.status?.conditions?.find((c) => c.type === 'Degraded')?.status, 'True');

    const deleted = await h.request('DELETE', MCP('team-a', 'kv'));
    assert.ok(deleted.status < 300, `delete: ${deleted.status}`);
    await patient('McpServer gone', async () => (await h.mcpServer('team-a', 'kv')) === undefined);
    await patient('PodIdentityAssociation garbage-collected', async () => (await h.get(PIA('team-a', 'kv'))) === undefined);
    assert.equal(stub.calls.length, 0, `EKS calls on the ACK path: ${JSON.stringify(stub.calls.map((c) => c.operation))}`);
  });

  it('prunes the association object when the McpServer switches to IRSA, within the generated RBAC', async () => {
    const { h, stub } = await start({ ackCrd: true });
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE } } }));
    await patient('the PodIdentityAssociation', () => h.get<Pia>(PIA('team-a', 'kv')));
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'irsa', roleArn: ROLE } } }));
    await patient('PodIdentityAssociation pruned', async () => (await h.get(PIA('team-a', 'kv'))) === undefined);
    const irsa = await identity(h, 'team-a', 'kv', 'True');
    assert.match(irsa.message, /IRSA/);
    assert.equal(stub.calls.length, 0);

    // Every request the operator made on the ACK kind (watch, apply, prune) is allowed by the ClusterRole rules.
    const rules = operatorRbacRules();
    const verbs = new Set<string>();
    for (const r of h.accounting.select({ userAgent: 'mcpfleet-operator', resource: 'podidentityassociations.eks.services.k8s.aws' })) {
      verbs.add(r.verb);
      assert.ok(allows(rules, 'eks.services.k8s.aws', 'podidentityassociations', r.verb), `RBAC rules lack ${r.verb} on podidentityassociations`);
    }
    for (const verb of ['list', 'watch', 'patch', 'delete']) assert.ok(verbs.has(verb), `the operator used ${verb} (saw ${[...verbs].join(', ')})`);
  });

  it('moves an McpServer from the EKS API to ACK: the EKS association and its finalizer go first, then the ACK object is created', async () => {
    const { h, stub } = await start({ ackCrd: true, flags: ['--pod-identity-provider', 'eks-api'] });
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE } } }));
    const viaApi = await identity(h, 'team-a', 'kv', 'True');
    assert.deepEqual(viaApi.server.metadata.finalizers, [IDENTITY.podIdentityFinalizer], 'eks-api: the EKS API path even though ACK is installed');
    assert.equal(stub.associations().length, 1);
    assert.equal(await h.get(PIA('team-a', 'kv')), undefined, 'no ACK object with --pod-identity-provider=eks-api');

    // A new operator (as after a restart with another flag) takes over with the ACK provider.
    const ackObjectAtDelete: unknown[] = [];
    stub.beforeEach('DeletePodIdentityAssociation', async () => {
      ackObjectAtDelete.push(await h.get(PIA('team-a', 'kv')));
    });
    await h.operator.stop();
    const next = h.newOperator(['--pod-identity-provider', 'ack']);
    await next.start();

    await patient('EKS association deleted', () => stub.associations().length === 0);
    await patient('the PodIdentityAssociation', () => h.get<Pia>(PIA('team-a', 'kv')));
    const moved = await identity(h, 'team-a', 'kv', 'Unknown', 'AckAssociationPending');
    assert.equal((moved.server.metadata.finalizers as string[] | undefined)?.length ?? 0, 0, 'finalizer removed once the EKS association was deleted');
    assert.equal(moved.server.metadata.annotations?.[IDENTITY.associationAnnotation], undefined);
    assert.deepEqual(ackObjectAtDelete, [undefined], 'the ACK object was created only after the EKS association was deleted');
    const writesAfterMove = stub.writes();
    await ackReports(h, 'team-a', 'kv', synced('a-0fedcba987654321'));
    await identity(h, 'team-a', 'kv', 'True');
    assert.equal(stub.writes(), writesAfterMove, 'no EKS write on the ACK path');
  });

  it('with --pod-identity-provider=ack but no ACK CRD, says so and calls nothing', async () => {
    const { h, stub } = await start({ ackCrd: false, flags: ['--pod-identity-provider=ack'] });
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE } } }));
    const missing = await identity(h, 'team-a', 'kv', 'False', 'AckNotInstalled');
    assert.match(missing.message, /install ACK's eks-controller, or run the operator with --pod-identity-provider=auto or eks-api/);
    assert.equal(missing.server.metadata.finalizers, undefined);
    assert.equal(stub.calls.length, 0);
  });
});
