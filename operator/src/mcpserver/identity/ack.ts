// EKS Pod Identity through AWS Controllers for Kubernetes: when ACK's eks-controller is installed
// (its PodIdentityAssociation CRD is served), the association is an owned Kubernetes object
// instead of EKS API calls made by the operator. ACK creates, updates and deletes the association
// in EKS; the object is garbage-collected with the McpServer, so this path needs no finalizer and
// no AWS credentials or IAM permissions in the operator at all.
//
// Which path is used is the operator's --pod-identity-provider:
//  - auto (default): ACK when its CRD is served, else the EKS API. ACK is preferred because the
//    association then lives in the cluster like every other child (visible to kubectl and GitOps
//    diffs, governed by Kubernetes RBAC, removed by the garbage collector), and the operator runs
//    without the eks:* and iam:PassRole permissions the EKS API path needs;
//  - eks-api: always the EKS API, e.g. when ACK's eks-controller is installed but scoped to other
//    namespaces or accounts (ACK's --watch-namespace, cross-account resource management);
//  - ack: always ACK; a missing CRD is reported on IdentityReady rather than silently falling back
//    to AWS calls the operator may not be allowed to make.
// Moving an McpServer from the EKS API to ACK deletes the EKS-API association first (EKS allows
// one association per ServiceAccount, so ACK's create would otherwise conflict); pods lose their
// Pod Identity credentials for the few seconds until ACK has created the new one.
import type { McpServer } from '../../api/mcpserver.ts';
import { IDENTITY } from '../../api/constants.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { BuildContext } from '../context.ts';
import { childMetadata } from '../labels.ts';
import { serviceAccountName } from '../serviceaccount.ts';
import { podIdentityTarget } from './bindings.ts';

export const ACK_EKS_API_VERSION = 'eks.services.k8s.aws/v1alpha1';
export const ACK_POD_IDENTITY_KIND = 'PodIdentityAssociation';
export const ACK_POD_IDENTITY_PATH = '/apis/eks.services.k8s.aws/v1alpha1/podidentityassociations';

/** ACK's common condition types (aws-controllers-k8s/runtime apis/core/v1alpha1/conditions.go). */
export const ACK_CONDITIONS = {
  synced: 'ACK.ResourceSynced',
  terminal: 'ACK.Terminal',
  recoverable: 'ACK.Recoverable',
} as const;

export const POD_IDENTITY_PROVIDERS = ['auto', 'eks-api', 'ack'] as const;
export type PodIdentityProviderSetting = (typeof POD_IDENTITY_PROVIDERS)[number];

/** The provider for one reconcile: 'ack-not-installed' when ACK is required but its CRD is not served. */
export type ResolvedPodIdentityProvider = 'eks-api' | 'ack' | 'ack-not-installed';

export function resolvePodIdentityProvider(setting: PodIdentityProviderSetting, ackServed: boolean): ResolvedPodIdentityProvider {
  if (setting === 'eks-api') return 'eks-api';
  if (setting === 'ack') return ackServed ? 'ack' : 'ack-not-installed';
  return ackServed ? 'ack' : 'eks-api';
}

export interface AckPodIdentityAssociation extends KubeObject {
  spec: {
    clusterName: string;
    namespace: string;
    serviceAccount: string;
    roleARN: string;
    tags: Record<string, string>;
  };
}

/**
 * The ACK PodIdentityAssociation for spec.identity.aws.mode=pod-identity, when this reconcile
 * uses ACK and the cluster name is known (else undefined: the identity step reports why).
 * The tags name the McpServer but deliberately not its UID tag: the EKS API path adopts and
 * deletes associations carrying that tag, and must never touch one that ACK manages.
 */
export function buildPodIdentityAssociation(server: McpServer, ctx: Pick<BuildContext, 'podIdentityProvider' | 'defaultEksClusterName'>): AckPodIdentityAssociation | undefined {
  if (ctx.podIdentityProvider !== 'ack') return undefined;
  const target = podIdentityTarget(server, serviceAccountName(server), ctx.defaultEksClusterName);
  if (!target?.ok) return undefined;
  return {
    apiVersion: ACK_EKS_API_VERSION,
    kind: ACK_POD_IDENTITY_KIND,
    metadata: childMetadata(server),
    spec: {
      clusterName: target.clusterName,
      namespace: target.namespace,
      serviceAccount: target.serviceAccount,
      roleARN: target.roleArn,
      tags: { [IDENTITY.ownerTag]: `${server.metadata.namespace!}/${server.metadata.name!}` },
    },
  };
}

interface AckCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** What ACK reports about the association, as one finding of the IdentityReady condition. */
export interface AckAssociationOutcome {
  via: 'ack';
  /** synced: ACK.ResourceSynced=True; failed: ACK.Terminal=True; pending: anything else. */
  state: 'synced' | 'pending' | 'failed';
  message: string;
}

function ackConditions(live: KubeObject | undefined): AckCondition[] {
  const conditions = (live?.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(conditions) ? (conditions as AckCondition[]).filter((c) => typeof c?.type === 'string') : [];
}

/**
 * Reads the live ACK object's status conditions. ACK's conditions carry no observedGeneration,
 * so right after a role change ACK.ResourceSynced may still describe the previous role until
 * ACK's next sync (seconds); the condition then follows ACK's own report.
 */
export function ackAssociationOutcome(live: KubeObject | undefined, serviceAccount: string): AckAssociationOutcome {
  if (!live) return { via: 'ack', state: 'pending', message: `EKS Pod Identity through ACK: the PodIdentityAssociation for ServiceAccount ${serviceAccount} is not created yet` };
  const spec = (live as Partial<AckPodIdentityAssociation>).spec;
  const name = `${live.metadata?.namespace}/${live.metadata?.name}`;
  const conditions = ackConditions(live);
  const find = (type: string) => conditions.find((c) => c.type === type);
  const detail = (c: AckCondition | undefined) => [c?.reason, c?.message].filter((s) => s !== undefined && s !== '').join(': ') || 'no message';

  const terminal = find(ACK_CONDITIONS.terminal);
  if (terminal?.status === 'True') {
    return { via: 'ack', state: 'failed', message: `ACK's eks-controller cannot reconcile PodIdentityAssociation ${name} and will not retry until its spec changes (ACK.Terminal): ${detail(terminal)}` };
  }
  const synced = find(ACK_CONDITIONS.synced);
  if (synced?.status === 'True') {
    const id = (live.status as { associationID?: string } | undefined)?.associationID;
    return {
      via: 'ack',
      state: 'synced',
      message: `EKS Pod Identity through ACK: PodIdentityAssociation ${name}${id ? ` (association ${id})` : ''} in cluster ${spec?.clusterName ?? '?'} binds ServiceAccount ${serviceAccount} to ${spec?.roleARN ?? '?'}`,
    };
  }
  const recoverable = find(ACK_CONDITIONS.recoverable);
  if (recoverable?.status === 'True') {
    return { via: 'ack', state: 'pending', message: `ACK's eks-controller is retrying PodIdentityAssociation ${name} (ACK.Recoverable): ${detail(recoverable)}` };
  }
  return {
    via: 'ack',
    state: 'pending',
    message: synced
      ? `waiting for ACK's eks-controller to sync PodIdentityAssociation ${name} (ACK.ResourceSynced=${synced.status}: ${detail(synced)})`
      : `waiting for ACK's eks-controller to sync PodIdentityAssociation ${name} (no ACK.ResourceSynced condition yet: is the eks-controller running and watching namespace ${live.metadata?.namespace}?)`,
  };
}
