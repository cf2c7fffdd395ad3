// Unit tests of the ACK path of EKS Pod Identity: the PodIdentityAssociation builder against the
// fixture CRD's schema (kube-sim's structural-schema validator, the same file kube-sim serves),
// provider resolution, and IdentityReady from ACK's status conditions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { pruneWithUnknownFields, validate, type JSONSchemaProps } from '../../../../hack/kube-sim/src/algebra/schema.ts';
import { API_VERSION, IDENTITY, KIND } from '../../api/constants.ts';
import type { McpServer } from '../../api/mcpserver.ts';
import { validateMcpServer } from '../../api/validation.ts';
import { parseConfig } from '../../config/config.ts';
import type { KubeObject } from '../../kube/types.ts';
import { allows, operatorRbacRules } from '../../rbac.ts';
import { desiredChildren, kindKey, OWNED_KINDS } from '../children.ts';
import type { BuildContext } from '../context.ts';
import { ACK_EKS_API_VERSION, ACK_POD_IDENTITY_KIND, ackAssociationOutcome, buildPodIdentityAssociation, resolvePodIdentityProvider } from './ack.ts';
import { IDENTITY_REASONS, identityCondition } from './condition.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const FIXTURE = path.join(REPO, 'hack/kube-sim/fixtures/crds/ack-eks-podidentityassociations.yaml');
const ROLE = 'arn:aws:iam::123456789012:role/mcp-weather';
const CLIENT = '5f0e0a8b-6c1d-4b3e-9a7f-2d4c6e8f0a1b';
const ACK: Pick<BuildContext, 'podIdentityProvider' | 'defaultEksClusterName'> = { podIdentityProvider: 'ack', defaultEksClusterName: 'prod' };

function server(identity: Record<string, unknown> | undefined): McpServer {
  const result = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a', uid: 'uid-1', generation: 1 }, spec: { catalog: 'utility', ...(identity ? { identity } : {}) } });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}

function fixture(): { group: string; plural: string; kind: string; version: string; schema: JSONSchemaProps } {
  const crd = parse(readFileSync(FIXTURE, 'utf8')) as { spec: { group: string; names: { plural: string; kind: string }; versions: { name: string; schema: { openAPIV3Schema: JSONSchemaProps } }[] } };
  const version = crd.spec.versions[0]!;
  return { group: crd.spec.group, plural: crd.spec.names.plural, kind: crd.spec.names.kind, version: version.name, schema: version.schema.openAPIV3Schema };
}

/** Valid against the CRD, and nothing the API server would prune (so server-side apply round-trips). */
function assertMatchesCrd(obj: KubeObject): void {
  const { schema } = fixture();
  const { metadata: _m, ...body } = obj;
  assert.deepEqual(validate(schema, body), [], 'fails the PodIdentityAssociation CRD schema');
  assert.deepEqual(pruneWithUnknownFields(schema, body).unknownFields, [], 'has fields the CRD would prune');
}

/** The live object as ACK's eks-controller leaves it after reconciling. */
function withStatus(obj: KubeObject, conditions: Record<string, string>[], extra: Record<string, unknown> = {}): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, namespace: 'team-a', name: 'wx' }, status: { conditions, ...extra } };
}

describe('ACK PodIdentityAssociation builder', () => {
  it('names the same kind, group and version as the fixture CRD (ACK eks-controller v1alpha1)', () => {
    const crd = fixture();
    assert.equal(ACK_EKS_API_VERSION, `${crd.group}/${crd.version}`);
    assert.equal(ACK_POD_IDENTITY_KIND, crd.kind);
    const owned = OWNED_KINDS.find((k) => k.kind === ACK_POD_IDENTITY_KIND);
    assert.deepEqual(owned, { apiVersion: ACK_EKS_API_VERSION, kind: ACK_POD_IDENTITY_KIND, path: `/apis/${crd.group}/${crd.version}/${crd.plural}`, optional: 'ackPodIdentity' });
  });

  it('renders the association for the server\'s ServiceAccount, validating against the CRD schema', () => {
    const obj = buildPodIdentityAssociation(server({ aws: { mode: 'pod-identity', roleArn: ROLE } }), ACK)!;
    assertMatchesCrd(obj);
    assert.equal(obj.apiVersion, 'eks.services.k8s.aws/v1alpha1');
    assert.equal(obj.kind, 'PodIdentityAssociation');
    assert.equal(obj.spec.tags[IDENTITY.ownerUidTag], undefined, 'no owner-UID tag: the EKS API path must never adopt or delete what ACK manages');
    assert.deepEqual(obj.spec, { clusterName: 'prod', namespace: 'team-a', serviceAccount: 'wx', roleARN: ROLE, tags: { [IDENTITY.ownerTag]: 'team-a/wx' } });
    assert.equal(obj.metadata!.name, 'wx');
    assert.equal(obj.metadata!.namespace, 'team-a');
    assert.equal(obj.metadata!.labels!['app.kubernetes.io/managed-by'], 'mcpfleet-operator');
    assert.equal(obj.metadata!.labels!['app.kubernetes.io/instance'], 'wx');
    assert.deepEqual(obj.metadata!.ownerReferences, [{ apiVersion: API_VERSION, kind: KIND, name: 'wx', uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
  });

  it('takes the cluster from the spec before the operator default, and binds the user\'s own ServiceAccount', () => {
    const obj = buildPodIdentityAssociation(server({ serviceAccountName: 'weather-runner', aws: { mode: 'pod-identity', roleArn: ROLE, clusterName: 'staging' } }), ACK)!;
    assertMatchesCrd(obj);
    assert.equal(obj.spec.clusterName, 'staging');
    assert.equal(obj.spec.serviceAccount, 'weather-runner');
  });

  const none: [string, Record<string, unknown> | undefined, Pick<BuildContext, 'podIdentityProvider' | 'defaultEksClusterName'>][] = [
    ['the EKS API provides Pod Identity', { aws: { mode: 'pod-identity', roleArn: ROLE } }, { podIdentityProvider: 'eks-api', defaultEksClusterName: 'prod' }],
    ['no provider is set (the default)', { aws: { mode: 'pod-identity', roleArn: ROLE } }, { defaultEksClusterName: 'prod' }],
    ['the mode is IRSA', { aws: { mode: 'irsa', roleArn: ROLE } }, ACK],
    ['only Azure is asked for', { azure: { clientId: CLIENT } }, ACK],
    ['no identity is asked for', undefined, ACK],
    ['no cluster name is known', { aws: { mode: 'pod-identity', roleArn: ROLE } }, { podIdentityProvider: 'ack' }],
  ];
  for (const [why, identity, ctx] of none) {
    it(`renders nothing when ${why}`, () => {
      assert.equal(buildPodIdentityAssociation(server(identity), ctx), undefined);
    });
  }

  it('is one of the desired children only on the ACK path, so switching provider or mode prunes it', () => {
    const base: BuildContext = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {}, defaultEksClusterName: 'prod' };
    const kinds = (identity: Record<string, unknown>, ctx: BuildContext) => desiredChildren(server(identity), ctx).map((c) => kindKey(c.apiVersion!, c.kind!));
    const ack = kindKey(ACK_EKS_API_VERSION, ACK_POD_IDENTITY_KIND);
    assert.ok(kinds({ aws: { roleArn: ROLE } }, { ...base, podIdentityProvider: 'ack' }).includes(ack));
    assert.ok(!kinds({ aws: { roleArn: ROLE } }, { ...base, podIdentityProvider: 'eks-api' }).includes(ack));
    assert.ok(!kinds({ aws: { mode: 'irsa', roleArn: ROLE } }, { ...base, podIdentityProvider: 'ack' }).includes(ack));
  });

  it('is covered by the generated RBAC (informer, apply, prune), and nothing more on that group', () => {
    const rules = operatorRbacRules();
    for (const verb of ['get', 'list', 'watch', 'create', 'patch', 'delete']) assert.ok(allows(rules, 'eks.services.k8s.aws', 'podidentityassociations', verb), verb);
    assert.equal(allows(rules, 'eks.services.k8s.aws', 'podidentityassociations', 'update'), false);
    assert.equal(allows(rules, 'eks.services.k8s.aws', 'clusters', 'get'), false);
  });
});

describe('Pod Identity provider choice', () => {
  const table: [Parameters<typeof resolvePodIdentityProvider>[0], boolean, ReturnType<typeof resolvePodIdentityProvider>][] = [
    ['auto', true, 'ack'],
    ['auto', false, 'eks-api'],
    ['eks-api', true, 'eks-api'],
    ['eks-api', false, 'eks-api'],
    ['ack', true, 'ack'],
    ['ack', false, 'ack-not-installed'],
  ];
  for (const [setting, served, expected] of table) {
    it(`--pod-identity-provider=${setting} with the ACK CRD ${served ? 'served' : 'absent'} → ${expected}`, () => {
      assert.equal(resolvePodIdentityProvider(setting, served), expected);
    });
  }

  it('is an operator flag (and env variable), auto by default, with a clear error for bad values', () => {
    const env = { HOSTNAME: 'operator-0' };
    assert.equal(parseConfig([], env).podIdentityProvider, 'auto');
    assert.equal(parseConfig(['--pod-identity-provider', 'ack'], env).podIdentityProvider, 'ack');
    assert.equal(parseConfig([], { ...env, MCPFLEET_POD_IDENTITY_PROVIDER: 'eks-api' }).podIdentityProvider, 'eks-api');
    assert.throws(() => parseConfig(['--pod-identity-provider=crossplane'], env), /--pod-identity-provider \/ MCPFLEET_POD_IDENTITY_PROVIDER: must be one of auto, eks-api, ack/);
  });
});

describe('IdentityReady from ACK status', () => {
  const wx = server({ aws: { roleArn: ROLE, clusterName: 'prod' } });
  const built = buildPodIdentityAssociation(wx, ACK)!;
  const condition = (live: KubeObject | undefined, s: McpServer = wx) => identityCondition({ server: s, serviceAccountName: 'wx', podIdentity: ackAssociationOutcome(live, 'team-a/wx') })!;

  it('is Unknown while the object is not created yet or ACK has not synced it', () => {
    for (const live of [undefined, withStatus(built, []), withStatus(built, [{ type: 'ACK.ResourceSynced', status: 'False', reason: 'Creating', message: 'Resource not synced' }])]) {
      const c = condition(live);
      assert.equal(c.status, 'Unknown');
      assert.equal(c.reason, IDENTITY_REASONS.ackPending);
    }
    assert.match(condition(withStatus(built, [])).message, /no ACK\.ResourceSynced condition yet: is the eks-controller running/);
    assert.match(condition(withStatus(built, [{ type: 'ACK.ResourceSynced', status: 'False', reason: 'Creating', message: 'Resource not synced' }])).message, /ACK\.ResourceSynced=False: Creating: Resource not synced/);
  });

  it('is Unknown with ACK\'s message while ACK retries a recoverable error', () => {
    const c = condition(withStatus(built, [{ type: 'ACK.ResourceSynced', status: 'False' }, { type: 'ACK.Recoverable', status: 'True', message: 'ThrottlingException: Rate exceeded' }]));
    assert.equal(c.status, 'Unknown');
    assert.match(c.message, /retrying PodIdentityAssociation team-a\/wx \(ACK\.Recoverable\): ThrottlingException: Rate exceeded/);
  });

  it('is True once ACK.ResourceSynced is True, naming the association ACK created', () => {
    const c = condition(withStatus(built, [{ type: 'ACK.ResourceSynced', status: 'True', message: 'Resource synced successfully' }], { associationID: 'a-0123456789abcdef0' }));
    assert.equal(c.status, 'True');
    assert.equal(c.reason, IDENTITY_REASONS.configured);
    assert.equal(c.message, `EKS Pod Identity through ACK: PodIdentityAssociation team-a/wx (association a-0123456789abcdef0) in cluster prod binds ServiceAccount team-a/wx to ${ROLE}`);
  });

  it('is False with ACK\'s message on a terminal condition, even if an older sync said True', () => {
    const message = 'InvalidParameterException: Role arn:aws:iam::123456789012:role/mcp-weather does not trust pods.eks.amazonaws.com';
    const c = condition(withStatus(built, [{ type: 'ACK.ResourceSynced', status: 'True' }, { type: 'ACK.Terminal', status: 'True', message }]));
    assert.equal(c.status, 'False');
    assert.equal(c.reason, IDENTITY_REASONS.ackFailed);
    assert.ok(c.message.includes(message), c.message);
  });

  it('keeps a failure of another identity (False) ahead of a pending ACK sync, and Azure alongside it', () => {
    const both = server({ serviceAccountName: 'mine', aws: { roleArn: ROLE, clusterName: 'prod' }, azure: { clientId: CLIENT } });
    const missing = identityCondition({ server: both, serviceAccountName: 'mine', externalServiceAccount: { live: undefined }, podIdentity: ackAssociationOutcome(undefined, 'team-a/mine') })!;
    assert.equal(missing.status, 'False');
    assert.equal(missing.reason, IDENTITY_REASONS.serviceAccountNotFound);
    const azureAndAck = server({ aws: { roleArn: ROLE, clusterName: 'prod' }, azure: { clientId: CLIENT } });
    const pending = condition(undefined, azureAndAck);
    assert.equal(pending.status, 'Unknown');
    assert.match(pending.message, /Azure Workload Identity/);
  });
});
