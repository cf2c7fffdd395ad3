// The identity part of a McpServer reconcile, run before the children are applied (the EKS Pod
// Identity webhook only injects credentials into pods created after the association exists):
//  - reads the user's own ServiceAccount when the spec names one, to say which annotations it
//    lacks (the operator never writes to an object it does not own);
//  - for EKS Pod Identity: adds the finalizer, then makes the association, then records it;
//  - when Pod Identity is no longer wanted: deletes the association, then drops the finalizer;
//  - on deletion (finalize): deletes the association, then drops the finalizer so the McpServer
//    can go. Any EKS failure keeps the finalizer, is reported in IdentityReady and is thrown so
//    the controller retries with backoff;
//  - when ACK provides Pod Identity (ack.ts): no finalizer and no EKS call of its own; an
//    association left from the EKS API path is deleted (and its finalizer dropped) first, then
//    the reconciler renders the ACK PodIdentityAssociation child and reports ACK's status.
import type { V1ServiceAccount } from '@kubernetes/client-node';
import { IDENTITY } from '../../api/constants.ts';
import type { McpServer } from '../../api/mcpserver.ts';
import type { Applier } from '../../kube/apply.ts';
import type { KubeClient } from '../../kube/client.ts';
import { errorMessage } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import type { ConditionInput } from '../conditions.ts';
import { serviceAccountName } from '../serviceaccount.ts';
import { ackAssociationOutcome, type ResolvedPodIdentityProvider } from './ack.ts';
import { podIdentityTarget, serviceAccountIdentityAnnotations } from './bindings.ts';
import { IDENTITY_REASONS, identityCondition, type IdentityObservation, type PodIdentityOutcome } from './condition.ts';
import { hasPodIdentityFinalizer, identityMetadataPatch, recordedAssociationOf, type WantedIdentityMetadata } from './finalizer.ts';
import { formatRecorded, parseRecorded, type AssociationOwner, type PodIdentityAssociations, type RecordedAssociation } from './pod-identity.ts';

/** How soon a McpServer blocked by someone else's association is looked at again. */
export const CONFLICT_RECHECK_MS = 60_000;

export interface IdentityStepDeps {
  client: KubeClient;
  applier: Applier;
  associations: PodIdentityAssociations;
  /** The operator's --eks-cluster-name. */
  defaultClusterName?: string | undefined;
}

export interface IdentityStepResult {
  /** IdentityReady, or undefined when the spec asks for no cloud identity (then it is removed). */
  condition: ConditionInput | undefined;
  /** To throw once status is written: the controller retries with backoff. */
  error?: Error;
  requeueAfterMs?: number;
  /**
   * Set when ACK provides the association in this reconcile: render the ACK child, then report
   * IdentityReady from its live state (`condition` is the one before it was applied).
   */
  ack?: { conditionFor(live: KubeObject | undefined): ConditionInput | undefined };
}

export interface FinalizeResult {
  /** Set when the association could not be deleted: the McpServer stays, the error is thrown. */
  failure?: { condition: ConditionInput; error: Error };
}

function ownerOf(raw: KubeObject): AssociationOwner {
  return { uid: raw.metadata!.uid!, namespace: raw.metadata!.namespace!, name: raw.metadata!.name! };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export class IdentityStep {
  private readonly deps: IdentityStepDeps;
  constructor(deps: IdentityStepDeps) {
    this.deps = deps;
  }

  async reconcile(raw: KubeObject, server: McpServer, ctx: ReconcileContext, provider: ResolvedPodIdentityProvider = 'eks-api'): Promise<IdentityStepResult> {
    const namespace = server.metadata.namespace!;
    const saName = serviceAccountName(server);
    const owner = ownerOf(raw);
    const recorded = parseRecorded(recordedAssociationOf(raw));
    const observation: IdentityObservation = { server, serviceAccountName: saName };

    if (server.spec.identity?.serviceAccountName && Object.keys(serviceAccountIdentityAnnotations(server)).length > 0) {
      const live = await this.deps.client.get<V1ServiceAccount & KubeObject>(`/api/v1/namespaces/${namespace}/serviceaccounts/${saName}`, ctx.signal);
      observation.externalServiceAccount = { live };
    }

    const target = podIdentityTarget(server, saName, this.deps.defaultClusterName);
    let live = raw;
    if (target?.ok && provider !== 'eks-api') {
      // ACK (or ACK required but absent): never an EKS call or finalizer of our own, except to
      // remove what the EKS API path made earlier: EKS allows one association per ServiceAccount.
      const cleanup = await this.removeEksApiAssociations(live, owner, recorded, ctx);
      if (cleanup) return cleanup;
      if (provider === 'ack-not-installed') {
        observation.podIdentity = {
          ok: false,
          reason: 'AckNotInstalled',
          message: 'the operator runs with --pod-identity-provider=ack, but the cluster does not serve eks.services.k8s.aws/v1alpha1 PodIdentityAssociation: install ACK\'s eks-controller, or run the operator with --pod-identity-provider=auto or eks-api',
        };
        return { condition: identityCondition(observation) };
      }
      const sa = `${namespace}/${saName}`;
      const conditionFor = (ackLive: KubeObject | undefined) => identityCondition({ ...observation, podIdentity: ackAssociationOutcome(ackLive, sa) });
      return { condition: conditionFor(undefined), ack: { conditionFor } };
    }
    if (target?.ok) {
      // The finalizer goes on first: an association must never exist without it.
      live = await this.patchMetadata(live, { finalizer: true, recordedAssociation: recorded ? formatRecorded(recorded) : undefined });
      let outcome: PodIdentityOutcome;
      let error: Error | undefined;
      // A reconcile cut short by a lost lease must not call EKS on behalf of the new leader.
      ctx.signal.throwIfAborted();
      try {
        outcome = await this.deps.associations.ensure(owner, target, recorded);
      } catch (err) {
        error = asError(err);
        outcome = { ok: false, reason: 'EksApiError', message: errorMessage(err) };
      }
      if (outcome.ok) {
        if (outcome.action !== 'unchanged' || outcome.staleDeleted > 0) {
          ctx.logger.info('EKS Pod Identity association reconciled', { action: outcome.action, association: outcome.association.associationId, cluster: outcome.association.clusterName, staleDeleted: outcome.staleDeleted });
        }
        await this.patchMetadata(live, { finalizer: true, recordedAssociation: formatRecorded(outcome.association) });
      }
      observation.podIdentity = outcome;
      return {
        condition: identityCondition(observation),
        ...(error ? { error } : {}),
        ...(!outcome.ok && outcome.reason === 'AssociationConflict' ? { requeueAfterMs: CONFLICT_RECHECK_MS } : {}),
      };
    }

    if (target && !target.ok) observation.podIdentity = target;
    // No association wanted (any more): delete the one created earlier, then release the McpServer.
    return (await this.removeEksApiAssociations(live, owner, recorded, ctx)) ?? { condition: identityCondition(observation) };
  }

  /**
   * Deletes the association the EKS API path created (if any), then drops the finalizer and the
   * record. Resolves undefined when nothing is left, or with the failure to report and throw.
   */
  private async removeEksApiAssociations(live: KubeObject, owner: AssociationOwner, recorded: RecordedAssociation | undefined, ctx: ReconcileContext): Promise<IdentityStepResult | undefined> {
    if (!recorded && !hasPodIdentityFinalizer(live)) return undefined;
    ctx.signal.throwIfAborted();
    try {
      const deleted = await this.deps.associations.removeAll(owner, recorded ? [recorded.clusterName] : [], recorded);
      if (deleted > 0) ctx.logger.info('deleted EKS Pod Identity association no longer wanted', { deleted });
      await this.patchMetadata(live, { finalizer: false, recordedAssociation: undefined });
      return undefined;
    } catch (err) {
      const error = asError(err);
      return {
        condition: { type: IDENTITY.condition, status: 'False', reason: IDENTITY_REASONS.deletionFailed, message: `the EKS Pod Identity association ${recorded ? formatRecorded(recorded) : ''} is no longer wanted but could not be deleted (retrying): ${errorMessage(err)}` },
        error,
      };
    }
  }

  /** On deletion: delete every association of the McpServer, then remove the finalizer. */
  async finalize(raw: KubeObject, server: McpServer | undefined, ctx: ReconcileContext): Promise<FinalizeResult> {
    if (!hasPodIdentityFinalizer(raw)) return {};
    const owner = ownerOf(raw);
    const recorded = parseRecorded(recordedAssociationOf(raw));
    const clusters: string[] = [];
    if (recorded) clusters.push(recorded.clusterName);
    const specCluster = server?.spec.identity?.aws?.mode === 'pod-identity' ? (server.spec.identity.aws.clusterName ?? this.deps.defaultClusterName) : undefined;
    if (specCluster) clusters.push(specCluster);
    ctx.signal.throwIfAborted();
    try {
      const deleted = await this.deps.associations.removeAll(owner, clusters, recorded);
      ctx.logger.info('McpServer deleted: EKS Pod Identity associations removed', { deleted, clusters });
    } catch (err) {
      return {
        failure: {
          error: asError(err),
          condition: {
            type: IDENTITY.condition,
            status: 'False',
            reason: IDENTITY_REASONS.deletionFailed,
            message: `the McpServer is being deleted but its EKS Pod Identity association could not be deleted; the finalizer ${IDENTITY.podIdentityFinalizer} holds it while the operator retries: ${errorMessage(err)}`,
          },
        },
      };
    }
    await this.patchMetadata(raw, { finalizer: false, recordedAssociation: undefined });
    return {};
  }

  private async patchMetadata(live: KubeObject, wanted: WantedIdentityMetadata): Promise<KubeObject> {
    const ops = identityMetadataPatch(live, wanted);
    if (!ops) return live;
    return this.deps.applier.jsonPatch({ apiVersion: live.apiVersion!, kind: live.kind!, namespace: live.metadata!.namespace!, name: live.metadata!.name! }, ops);
  }
}
