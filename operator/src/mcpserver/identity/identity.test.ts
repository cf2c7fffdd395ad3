import assert from 'node:assert/strict';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { IDENTITY } from '../../api/constants.ts';
import type { McpServer } from '../../api/mcpserver.ts';
import { validateMcpServer } from '../../api/validation.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { BuildContext } from '../context.ts';
import { buildDeployment } from '../deployment.ts';
import { buildServiceAccount } from '../serviceaccount.ts';
import { podIdentityAnnotations, podIdentityLabels, podIdentityTarget, serviceAccountIdentityAnnotations } from './bindings.ts';
import { IDENTITY_REASONS, identityCondition } from './condition.ts';
import { identityMetadataPatch } from './finalizer.ts';
import { formatRecorded, parseRecorded } from './pod-identity.ts';

const ctx: BuildContext = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} };
const ROLE = 'arn:aws:iam::123456789012:role/mcp-weather';
const CLIENT = '5f0e0a8b-6c1d-4b3e-9a7f-2d4c6e8f0a1b';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function server(identity: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): McpServer {
  const result = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a', uid: 'uid-1', generation: 1 }, spec: { catalog: 'utility', ...(identity ? { identity } : {}), ...extra } });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}

describe('cloud identity bindings', () => {
  const cases: { name: string; identity: Record<string, unknown> | undefined; sa: Record<string, string> | undefined; labels: Record<string, string>; podAnnotation: string | undefined }[] = [
    { name: 'no identity', identity: undefined, sa: undefined, labels: {}, podAnnotation: undefined },
    { name: 'IRSA', identity: { aws: { mode: 'irsa', roleArn: ROLE } }, sa: { 'eks.amazonaws.com/role-arn': ROLE }, labels: {}, podAnnotation: `aws-irsa=${ROLE}` },
    { name: 'EKS Pod Identity (the default AWS mode)', identity: { aws: { roleArn: ROLE, clusterName: 'prod' } }, sa: undefined, labels: {}, podAnnotation: `aws-pod-identity=${ROLE}` },
    {
      name: 'Azure Workload Identity',
      identity: { azure: { clientId: CLIENT, tenantId: TENANT } },
      sa: { 'azure.workload.identity/client-id': CLIENT, 'azure.workload.identity/tenant-id': TENANT },
      labels: { 'azure.workload.identity/use': 'true' },
      podAnnotation: `azure-workload-identity=${CLIENT}@${TENANT}`,
    },
    { name: 'Azure without tenant', identity: { azure: { clientId: CLIENT } }, sa: { 'azure.workload.identity/client-id': CLIENT }, labels: { 'azure.workload.identity/use': 'true' }, podAnnotation: `azure-workload-identity=${CLIENT}` },
  ];
  for (const c of cases) {
    it(`renders the ServiceAccount and pod template for ${c.name}, valid against the upstream schemas`, () => {
      const s = server(c.identity);
      const sa = buildServiceAccount(s)!;
      new ServiceAccount(sa as never).validate();
      assert.deepEqual(sa.metadata!.annotations, c.sa);
      assert.equal(sa.automountServiceAccountToken, false, 'the identity webhooks project their own tokens');
      const d = buildDeployment(s, ctx);
      new Deployment(d as never).validate();
      const template = d.spec!.template;
      for (const [k, v] of Object.entries(c.labels)) assert.equal(template.metadata!.labels![k], v);
      if (!c.labels['azure.workload.identity/use']) assert.equal(template.metadata!.labels!['azure.workload.identity/use'], undefined);
      assert.equal(template.metadata!.annotations![IDENTITY.podAnnotation], c.podAnnotation);
      assert.deepEqual(d.spec!.selector.matchLabels, { 'app.kubernetes.io/instance': 'wx', 'app.kubernetes.io/component': 'mcp-server' }, 'identity labels never enter the immutable selector');
      assert.equal(template.spec!.serviceAccountName, 'wx');
    });
  }

  it('rolls the pods when the role or client ID changes (config hash), and not otherwise', () => {
    const hash = (s: McpServer) => buildDeployment(s, ctx).spec!.template.metadata!.annotations!['mcpfleet.dev/config-hash'];
    const irsa = hash(server({ aws: { mode: 'irsa', roleArn: ROLE } }));
    assert.equal(hash(server({ aws: { mode: 'irsa', roleArn: ROLE } })), irsa);
    assert.notEqual(hash(server({ aws: { mode: 'irsa', roleArn: 'arn:aws:iam::123456789012:role/other' } })), irsa);
    assert.notEqual(hash(server({ azure: { clientId: CLIENT } })), hash(server({ azure: { clientId: '00000000-0000-4000-8000-000000000000' } })));
  });

  it('keeps user pod labels and annotations next to the identity ones', () => {
    const s = server({ azure: { clientId: CLIENT } }, { pod: { labels: { team: 'blue' }, annotations: { note: 'x' } } });
    const t = buildDeployment(s, ctx).spec!.template;
    assert.equal(t.metadata!.labels!.team, 'blue');
    assert.equal(t.metadata!.labels!['azure.workload.identity/use'], 'true');
    assert.equal(t.metadata!.annotations!.note, 'x');
    assert.ok(t.metadata!.annotations![IDENTITY.podAnnotation]);
  });

  it('does not build a ServiceAccount when the user brings one, but still labels the pods', () => {
    const s = server({ serviceAccountName: 'tickets-sa', azure: { clientId: CLIENT } });
    assert.equal(buildServiceAccount(s), undefined);
    assert.deepEqual(serviceAccountIdentityAnnotations(s), { 'azure.workload.identity/client-id': CLIENT });
    assert.deepEqual(podIdentityLabels(s), { 'azure.workload.identity/use': 'true' });
    assert.equal(buildDeployment(s, ctx).spec!.template.spec!.serviceAccountName, 'tickets-sa');
  });

  it('resolves the Pod Identity target from the spec, else the operator default, else says what is missing', () => {
    assert.equal(podIdentityTarget(server({ aws: { mode: 'irsa', roleArn: ROLE } }), 'wx', 'dflt'), undefined);
    assert.deepEqual(podIdentityTarget(server({ aws: { roleArn: ROLE, clusterName: 'prod' } }), 'wx', 'dflt'), { ok: true, clusterName: 'prod', namespace: 'team-a', serviceAccount: 'wx', roleArn: ROLE });
    assert.deepEqual(podIdentityTarget(server({ aws: { roleArn: ROLE } }), 'wx', 'dflt'), { ok: true, clusterName: 'dflt', namespace: 'team-a', serviceAccount: 'wx', roleArn: ROLE });
    const missing = podIdentityTarget(server({ aws: { roleArn: ROLE } }), 'wx', undefined);
    assert.equal(missing?.ok, false);
    assert.match(missing!.ok ? '' : missing!.message, /--eks-cluster-name/);
    assert.deepEqual(podIdentityAnnotations(server(undefined)), {});
  });
});

describe('IdentityReady condition', () => {
  it('is absent without a cloud identity', () => {
    assert.equal(identityCondition({ server: server(undefined), serviceAccountName: 'wx' }), undefined);
  });

  it('says what IRSA and Azure set up', () => {
    const irsa = identityCondition({ server: server({ aws: { mode: 'irsa', roleArn: ROLE } }), serviceAccountName: 'wx' })!;
    assert.equal(irsa.type, 'IdentityReady');
    assert.equal(irsa.status, 'True');
    assert.match(irsa.message, /eks\.amazonaws\.com\/role-arn=arn:aws:iam::123456789012:role\/mcp-weather/);
    const both = identityCondition({ server: server({ aws: { mode: 'irsa', roleArn: ROLE }, azure: { clientId: CLIENT } }), serviceAccountName: 'wx' })!;
    assert.equal(both.status, 'True');
    assert.match(both.message, /IRSA.*Azure Workload Identity.*azure\.workload\.identity\/use=true/);
  });

  it('tells the user which annotation their own ServiceAccount lacks, or that it is missing', () => {
    const s = server({ serviceAccountName: 'mine', aws: { mode: 'irsa', roleArn: ROLE } });
    const bare = identityCondition({ server: s, serviceAccountName: 'mine', externalServiceAccount: { live: { metadata: { name: 'mine' } } } })!;
    assert.equal(bare.status, 'False');
    assert.equal(bare.reason, IDENTITY_REASONS.externalServiceAccount);
    assert.match(bare.message, /add eks\.amazonaws\.com\/role-arn: "arn:aws:iam::123456789012:role\/mcp-weather"/);
    const annotated = identityCondition({ server: s, serviceAccountName: 'mine', externalServiceAccount: { live: { metadata: { name: 'mine', annotations: { 'eks.amazonaws.com/role-arn': ROLE } } } } })!;
    assert.equal(annotated.status, 'True');
    const absent = identityCondition({ server: s, serviceAccountName: 'mine', externalServiceAccount: { live: undefined } })!;
    assert.equal(absent.reason, IDENTITY_REASONS.serviceAccountNotFound);
  });

  it('reports the Pod Identity outcome', () => {
    const s = server({ aws: { roleArn: ROLE, clusterName: 'prod' } });
    const ok = identityCondition({ server: s, serviceAccountName: 'wx', podIdentity: { ok: true, association: { clusterName: 'prod', associationId: 'a-1' }, action: 'created', staleDeleted: 0 } })!;
    assert.equal(ok.status, 'True');
    assert.match(ok.message, /association a-1 in cluster prod binds ServiceAccount team-a\/wx/);
    for (const reason of ['AssociationConflict', 'EksApiError', 'ClusterNameMissing'] as const) {
      const bad = identityCondition({ server: s, serviceAccountName: 'wx', podIdentity: { ok: false, reason, message: `m-${reason}` } })!;
      assert.deepEqual([bad.status, bad.reason, bad.message], ['False', reason, `m-${reason}`]);
    }
  });
});

describe('Pod Identity finalizer and association record on the McpServer', () => {
  const F = IDENTITY.podIdentityFinalizer;
  const A = 'mcpfleet.dev~1eks-pod-identity-association';
  const live = (metadata: Record<string, unknown>): KubeObject => ({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a', resourceVersion: '7', ...metadata } });

  it('adds the finalizer (creating the list or appending to it) behind a resourceVersion test', () => {
    assert.deepEqual(identityMetadataPatch(live({}), { finalizer: true, recordedAssociation: undefined }), [
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'add', path: '/metadata/finalizers', value: [F] },
    ]);
    assert.deepEqual(identityMetadataPatch(live({ finalizers: ['other'] }), { finalizer: true, recordedAssociation: 'prod/a-1' }), [
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'add', path: '/metadata/finalizers/-', value: F },
      { op: 'add', path: '/metadata/annotations', value: { 'mcpfleet.dev/eks-pod-identity-association': 'prod/a-1' } },
    ]);
  });

  it('removes only its own finalizer entry, and the record', () => {
    assert.deepEqual(identityMetadataPatch(live({ finalizers: ['other', F], annotations: { x: 'y', 'mcpfleet.dev/eks-pod-identity-association': 'prod/a-1' } }), { finalizer: false, recordedAssociation: undefined }), [
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'test', path: '/metadata/finalizers/1', value: F },
      { op: 'remove', path: '/metadata/finalizers/1' },
      { op: 'remove', path: `/metadata/annotations/${A}` },
    ]);
  });

  it('writes nothing when the metadata already matches', () => {
    assert.equal(identityMetadataPatch(live({ finalizers: [F], annotations: { 'mcpfleet.dev/eks-pod-identity-association': 'prod/a-1' } }), { finalizer: true, recordedAssociation: 'prod/a-1' }), undefined);
    assert.equal(identityMetadataPatch(live({}), { finalizer: false, recordedAssociation: undefined }), undefined);
  });

  it('round-trips the association record and rejects malformed ones', () => {
    assert.deepEqual(parseRecorded(formatRecorded({ clusterName: 'prod-1', associationId: 'a-abc123' })), { clusterName: 'prod-1', associationId: 'a-abc123' });
    assert.equal(parseRecorded('garbage'), undefined);
    assert.equal(parseRecorded(undefined), undefined);
  });
});
