// Cloud identity with the real operator, on kube-sim and on the real control plane: IRSA and
// Azure Workload Identity on the ServiceAccount and pod template; EKS Pod Identity associations
// made through the real AWS SDK against a local EKS API, held by a finalizer until deleted
// (retried while EKS fails, and also when someone already deleted it by hand); steady state with
// zero Kubernetes writes and zero EKS writes; the EKS and AKS examples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { V1Deployment, V1ServiceAccount } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { IDENTITY } from '../../../api/constants.ts';
import type { McpServer } from '../../../api/mcpserver.ts';
import { DeletePodIdentityAssociationCommand, EKSClient } from '@aws-sdk/client-eks';
import { describeOnBackends } from '../../../../test/backends.ts';
import { MCP, REPO_ROOT, quiescent, utilityServer, type Harness } from '../../../../test/harness.ts';
import { patient, useEksCluster } from './eks-cluster.ts';
import type { EksStub } from './eks-stub.ts';

const ROLE = 'arn:aws:iam::123456789012:role/mcp-kv';
const ROLE2 = 'arn:aws:iam::123456789012:role/mcp-kv-v2';
const CLIENT = '5f0e0a8b-6c1d-4b3e-9a7f-2d4c6e8f0a1b';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SA = (ns: string, name: string) => `/api/v1/namespaces/${ns}/serviceaccounts/${name}`;
const DEPLOY = (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;

async function identityReady(h: Harness, ns: string, name: string, status: 'True' | 'False', reason?: string): Promise<McpServer> {
  return patient(`${ns}/${name} IdentityReady=${status}${reason ? ` (${reason})` : ''}`, async () => {
    const s = await h.mcpServer(ns, name);
    const c = s?.status?.conditions?.find((x) => x.type === IDENTITY.condition);
    return c?.status === status && (reason === undefined || c.reason === reason) ? s : undefined;
  });
}

/** Several forced resyncs after convergence: no Kubernetes write, no EKS write. */
async function assertSteadyState(h: Harness, stub?: EksStub): Promise<void> {
  await quiescent(() => h.operatorWrites());
  await new Promise((r) => setTimeout(r, 500));
  h.accounting.reset();
  const eksWrites = stub?.writes() ?? 0;
  const before = await h.reconcileCount();
  await patient('three more reconciles', async () => (await h.reconcileCount()) - before >= 3, 20_000);
  assert.equal(h.operatorWrites(), 0, `Kubernetes writes in steady state: ${JSON.stringify(h.accounting.snapshot())}`);
  if (stub) assert.equal(stub.writes(), eksWrites, 'no EKS writes in steady state');
}

/** Creates a core/v1 object through the API as a person would (one that already exists is kept). */
async function create(h: Harness, obj: Record<string, unknown> & { kind: string }): Promise<void> {
  const meta = obj.metadata as { namespace?: string };
  const plural = `${obj.kind.toLowerCase()}s`;
  const r = await h.request('POST', meta.namespace ? `/api/v1/namespaces/${meta.namespace}/${plural}` : `/api/v1/${plural}`, obj);
  assert.ok(r.status === 201 || r.status === 409, `create ${obj.kind}: ${r.status} ${JSON.stringify(r.body)}`);
}

describeOnBackends('cloud identity with a local EKS API', (backend) => {
  const startCluster = useEksCluster(backend);
  const start = (flags: string[] = []) => startCluster({ clusters: ['prod', 'mcp-cluster'], flags });

  it('creates the EKS Pod Identity association behind a finalizer, updates it, and deletes it on McpServer deletion, retrying while EKS fails', async () => {
    const { h, stub } = await start(['--eks-cluster-name', 'prod']);
    const finalizersAtCreate: (string[] | undefined)[] = [];
    stub.beforeEach('CreatePodIdentityAssociation', async () => {
      finalizersAtCreate.push((await h.mcpServer('team-a', 'kv'))?.metadata.finalizers as string[] | undefined);
    });
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE } } }));
    const server = await identityReady(h, 'team-a', 'kv', 'True');
    assert.match(server.status!.conditions!.find((c) => c.type === IDENTITY.condition)!.message, /association a-\w+ in cluster prod binds ServiceAccount team-a\/kv/);

    const [association] = stub.associations();
    assert.equal(stub.associations().length, 1);
    assert.deepEqual([association!.clusterName, association!.namespace, association!.serviceAccount, association!.roleArn], ['prod', 'team-a', 'kv', ROLE]);
    assert.equal(association!.tags[IDENTITY.ownerUidTag], server.metadata.uid);
    assert.deepEqual(server.metadata.finalizers, [IDENTITY.podIdentityFinalizer]);
    assert.equal(server.metadata.annotations?.[IDENTITY.associationAnnotation], `prod/${association!.associationId}`);
    assert.deepEqual(finalizersAtCreate, [[IDENTITY.podIdentityFinalizer]], 'the finalizer was on the McpServer before the association was created');
    const sa = await h.get<V1ServiceAccount>(SA('team-a', 'kv'));
    assert.equal(sa?.metadata?.annotations?.['eks.amazonaws.com/role-arn'], undefined, 'Pod Identity needs no ServiceAccount annotation');
    await patient('Ready', async () => (await h.condition('team-a', 'kv', 'Ready'))?.status === 'True');

    await assertSteadyState(h, stub);

    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE2 } } }));
    await patient('role updated in EKS', () => stub.associations()[0]?.roleArn === ROLE2);
    assert.equal(stub.count('UpdatePodIdentityAssociation'), 1);
    assert.equal(stub.associations()[0]?.associationId, association!.associationId, 'updated in place');

    // EKS fails the deletions: more failures than the SDK's own three attempts, so the
    // reconcile throws, reports why, and the controller retries with backoff.
    // The failures last until the test has seen the held state (a fixed count could be used up
    // between two polls), then stop, so the retried deletion goes through.
    stub.failNext('DeletePodIdentityAssociation', 1_000);
    const deleted = await h.request('DELETE', MCP('team-a', 'kv'));
    assert.ok(deleted.status < 300, `delete: ${deleted.status}`);
    const held = await identityReady(h, 'team-a', 'kv', 'False', 'AssociationDeletionFailed');
    assert.ok(held.metadata.deletionTimestamp, 'the McpServer is held by the finalizer');
    assert.match(held.status!.conditions!.find((c) => c.type === IDENTITY.condition)!.message, /ServerException/);
    stub.clearFailures('DeletePodIdentityAssociation');
    await patient('McpServer gone', async () => (await h.mcpServer('team-a', 'kv')) === undefined);
    assert.deepEqual(stub.associations(), []);
    // At least one reconcile failed after the SDK's 3 attempts, then a retried one deleted it.
    assert.ok(stub.count('DeletePodIdentityAssociation') >= 4, `delete attempts: ${stub.count('DeletePodIdentityAssociation')}`);
    const events = await h.get<{ items: { reason: string; type: string; involvedObject: { name: string } }[] }>('/api/v1/namespaces/team-a/events');
    assert.ok(events!.items.some((e) => e.involvedObject.name === 'kv' && e.reason === 'AssociationDeletionFailed' && e.type === 'Warning'), 'a Warning Event says why the deletion waits');
  });

  it('lets the McpServer go when its association was already deleted by hand in EKS', async () => {
    const { h, stub } = await start(['--eks-cluster-name', 'prod']);
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE } } }));
    const server = await identityReady(h, 'team-a', 'kv', 'True');
    assert.deepEqual(server.metadata.finalizers, [IDENTITY.podIdentityFinalizer]);
    const [association] = stub.associations();

    // Someone removes it with the AWS API (as `aws eks delete-pod-identity-association` would).
    const eks = new EKSClient({ endpoint: stub.url, region: 'us-west-2' });
    await eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'prod', associationId: association!.associationId }));
    eks.destroy();
    assert.deepEqual(stub.associations(), []);
    const deletesByHand = stub.count('DeletePodIdentityAssociation');
    const describesBefore = stub.count('DescribePodIdentityAssociation');

    const deleted = await h.request('DELETE', MCP('team-a', 'kv'));
    assert.ok(deleted.status < 300, `delete: ${deleted.status}`);
    await patient('McpServer gone', async () => (await h.mcpServer('team-a', 'kv')) === undefined);
    assert.ok(stub.count('DescribePodIdentityAssociation') > describesBefore, 'the finalizer looked the association up in EKS before letting go');
    assert.equal(stub.count('DeletePodIdentityAssociation'), deletesByHand, 'and, finding it gone, had nothing to delete');
    assert.equal(stub.count('CreatePodIdentityAssociation'), 1, 'no association was recreated for a server being deleted');
    assert.deepEqual(stub.associations(), []);
  });

  it('removes the association and the finalizer when the McpServer switches from Pod Identity to IRSA', async () => {
    const { h, stub } = await start();
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'pod-identity', roleArn: ROLE, clusterName: 'prod' } } }));
    await identityReady(h, 'team-a', 'kv', 'True');
    assert.equal(stub.associations().length, 1);

    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'irsa', roleArn: ROLE } } }));
    await patient('association deleted', () => stub.associations().length === 0);
    const server = await patient('finalizer and record removed', async () => {
      const s = await h.mcpServer('team-a', 'kv');
      return s && !(s.metadata.finalizers as string[] | undefined)?.length && !s.metadata.annotations?.[IDENTITY.associationAnnotation] ? s : undefined;
    });
    assert.ok(server);
    await patient('IRSA annotation', async () => (await h.get<V1ServiceAccount>(SA('team-a', 'kv')))?.metadata?.annotations?.['eks.amazonaws.com/role-arn'] === ROLE);
    // The condition was already True for Pod Identity: wait for the status that describes IRSA.
    const irsa = await patient('IdentityReady describes IRSA', async () => {
      const s = await identityReady(h, 'team-a', 'kv', 'True');
      return /IRSA/.test(s.status!.conditions!.find((c) => c.type === IDENTITY.condition)!.message) ? s : undefined;
    });
    assert.match(irsa.status!.conditions!.find((c) => c.type === IDENTITY.condition)!.message, /IRSA/);
    const deployment = await h.get<V1Deployment>(DEPLOY('team-a', 'kv'));
    assert.equal(deployment?.spec?.template.metadata?.annotations?.[IDENTITY.podAnnotation], `aws-irsa=${ROLE}`);

    // Identity removed altogether: the condition goes away with it.
    await h.apply(utilityServer('kv', 'team-a'));
    await patient('IdentityReady removed', async () => (await h.mcpServer('team-a', 'kv'))?.status?.conditions?.every((c) => c.type !== IDENTITY.condition));
    await patient('IRSA annotation removed', async () => (await h.get<V1ServiceAccount>(SA('team-a', 'kv')))?.metadata?.annotations?.['eks.amazonaws.com/role-arn'] === undefined);
  });

  it('annotates the ServiceAccount and labels the pods for Azure Workload Identity and IRSA, then makes zero writes', async () => {
    const { h, stub } = await start();
    await h.apply(utilityServer('kv', 'team-a', { identity: { aws: { mode: 'irsa', roleArn: ROLE }, azure: { clientId: CLIENT, tenantId: TENANT } } }));
    await identityReady(h, 'team-a', 'kv', 'True');
    const sa = await h.get<V1ServiceAccount>(SA('team-a', 'kv'));
    assert.deepEqual(sa?.metadata?.annotations, { 'eks.amazonaws.com/role-arn': ROLE, 'azure.workload.identity/client-id': CLIENT, 'azure.workload.identity/tenant-id': TENANT });
    const deployment = await h.get<V1Deployment>(DEPLOY('team-a', 'kv'));
    assert.equal(deployment?.spec?.template.metadata?.labels?.['azure.workload.identity/use'], 'true');
    assert.equal(deployment?.spec?.template.spec?.serviceAccountName, 'kv');
    const pods = await patient('a pod with the label', async () => {
      const list = await h.get<{ items: { metadata: { labels?: Record<string, string> } }[] }>('/api/v1/namespaces/team-a/pods');
      return list?.items.length ? list.items : undefined;
    });
    assert.ok(pods.every((p) => p.metadata.labels?.['azure.workload.identity/use'] === 'true'));
    await patient('Ready', async () => (await h.condition('team-a', 'kv', 'Ready'))?.status === 'True');
    await assertSteadyState(h, stub);
    assert.equal(stub.calls.length, 0, 'no EKS call without Pod Identity');
  });

  it('reports what is missing: the user\'s own ServiceAccount annotations, and the EKS cluster name', async () => {
    const { h, stub } = await start();
    await h.apply(utilityServer('own', 'team-a', { identity: { serviceAccountName: 'mine', azure: { clientId: CLIENT } } }));
    await identityReady(h, 'team-a', 'own', 'False', 'ServiceAccountNotFound');
    await create(h, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mine', namespace: 'team-a' } });
    const bare = await identityReady(h, 'team-a', 'own', 'False', 'ExternalServiceAccountNotAnnotated');
    assert.match(bare.status!.conditions!.find((c) => c.type === IDENTITY.condition)!.message, /add azure\.workload\.identity\/client-id: "5f0e0a8b/);
    assert.equal(bare.status!.conditions!.find((c) => c.type === 'Degraded')?.status, 'True');
    assert.equal((await h.get<V1ServiceAccount>(SA('team-a', 'mine')))?.metadata?.annotations, undefined, 'the operator never writes to the user\'s ServiceAccount');
    const patched = await h.request('PATCH', SA('team-a', 'mine'), { metadata: { annotations: { 'azure.workload.identity/client-id': CLIENT } } }, 'application/merge-patch+json');
    assert.equal(patched.status, 200);
    await identityReady(h, 'team-a', 'own', 'True');

    await h.apply(utilityServer('nocluster', 'team-a', { identity: { aws: { roleArn: ROLE } } }));
    const missing = await identityReady(h, 'team-a', 'nocluster', 'False', 'ClusterNameMissing');
    assert.match(missing.status!.conditions!.find((c) => c.type === IDENTITY.condition)!.message, /--eks-cluster-name/);
    assert.equal(missing.metadata.finalizers, undefined, 'no finalizer when no association can be made');
    assert.equal(stub.writes(), 0);
  });

  it('applies examples/weather-eks-alb.yaml (Pod Identity) and examples/tickets-aks-workload-identity.yaml (Azure)', async () => {
    const { h, stub } = await start();
    await create(h, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'openweather', namespace: 'default' }, stringData: { 'api-key': 'test-key' } });
    for (const file of ['examples/weather-eks-alb.yaml', 'examples/tickets-aks-workload-identity.yaml']) {
      for (const doc of parseAllDocuments(readFileSync(path.join(REPO_ROOT, file), 'utf8'))) {
        const obj = doc.toJS() as Record<string, unknown> & { kind: string };
        if (obj.kind === 'McpServer') await h.apply(obj);
        else await create(h, obj);
      }
    }
    await identityReady(h, 'default', 'weather', 'True');
    assert.deepEqual(
      stub.associations().map((a) => [a.clusterName, a.namespace, a.serviceAccount, a.roleArn]),
      [['mcp-cluster', 'default', 'weather', 'arn:aws:iam::123456789012:role/mcp-weather']],
    );
    await identityReady(h, 'support', 'tickets', 'True');
    const sa = await h.get<V1ServiceAccount>(SA('support', 'tickets'));
    assert.equal(sa?.metadata?.annotations?.['azure.workload.identity/client-id'], CLIENT);
    assert.equal(sa?.metadata?.annotations?.['azure.workload.identity/tenant-id'], TENANT);
    const tickets = await h.get<V1Deployment>(DEPLOY('support', 'tickets'));
    assert.equal(tickets?.spec?.template.metadata?.labels?.['azure.workload.identity/use'], 'true');
    const container = tickets?.spec?.template.spec?.containers[0];
    assert.deepEqual(container?.args, ['tickets'], 'the tickets catalog server');
    assert.equal(container?.env?.find((e) => e.name === 'BACKEND_API_URL')?.value, 'https://tickets-api.internal.example.com');
  });
});
