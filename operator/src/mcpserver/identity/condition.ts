// The IdentityReady condition: what the operator did to bind the pods to their cloud identity, or
// what is missing. Pure: it takes what the reconciler observed (the user's own ServiceAccount,
// the outcome of the EKS Pod Identity step) and says it in one condition.
import type { V1ServiceAccount } from '@kubernetes/client-node';
import { IDENTITY } from '../../api/constants.ts';
import type { McpServer } from '../../api/mcpserver.ts';
import type { ConditionInput } from '../conditions.ts';
import type { AckAssociationOutcome } from './ack.ts';
import { AZURE_USE_LABEL, IRSA_ROLE_ANNOTATION, cloudIdentity, serviceAccountIdentityAnnotations } from './bindings.ts';
import type { EnsureResult } from './pod-identity.ts';

export const IDENTITY_REASONS = {
  configured: 'IdentityConfigured',
  externalServiceAccount: 'ExternalServiceAccountNotAnnotated',
  serviceAccountNotFound: 'ServiceAccountNotFound',
  clusterNameMissing: 'ClusterNameMissing',
  associationConflict: 'AssociationConflict',
  eksApiError: 'EksApiError',
  deletionFailed: 'AssociationDeletionFailed',
  ackNotInstalled: 'AckNotInstalled',
  ackPending: 'AckAssociationPending',
  ackFailed: 'AckAssociationFailed',
} as const;

/** Outcome of the EKS Pod Identity step, when the spec asks for it. */
export type PodIdentityOutcome =
  | EnsureResult
  | { ok: false; reason: 'ClusterNameMissing'; message: string }
  | { ok: false; reason: 'EksApiError'; message: string }
  | { ok: false; reason: 'AckNotInstalled'; message: string }
  | AckAssociationOutcome;

export interface IdentityObservation {
  server: McpServer;
  serviceAccountName: string;
  /** Set when spec.identity.serviceAccountName names the user's account: its live state (undefined: missing). */
  externalServiceAccount?: { live: V1ServiceAccount | undefined };
  podIdentity?: PodIdentityOutcome;
}

interface Finding {
  ok: boolean;
  /** Not failed, but not done yet either (ACK has not synced): the condition is Unknown. */
  pending?: boolean;
  reason: string;
  message: string;
}

/** undefined when the spec asks for no cloud identity (then the condition is not reported). */
export function identityCondition(obs: IdentityObservation): ConditionInput | undefined {
  const { aws, azure } = cloudIdentity(obs.server);
  if (!aws && !azure) return undefined;
  const ns = obs.server.metadata.namespace!;
  const sa = `${ns}/${obs.serviceAccountName}`;
  const findings: Finding[] = [];

  const wanted = serviceAccountIdentityAnnotations(obs.server);
  if (obs.externalServiceAccount && Object.keys(wanted).length > 0) {
    const live = obs.externalServiceAccount.live;
    if (!live) {
      findings.push({ ok: false, reason: IDENTITY_REASONS.serviceAccountNotFound, message: `ServiceAccount ${sa} (spec.identity.serviceAccountName) does not exist; create it with the annotations ${formatAnnotations(wanted)}` });
    } else {
      const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => live.metadata?.annotations?.[k] !== v));
      if (Object.keys(missing).length > 0) {
        findings.push({
          ok: false,
          reason: IDENTITY_REASONS.externalServiceAccount,
          message: `ServiceAccount ${sa} is yours (spec.identity.serviceAccountName), so the operator does not change it: add ${formatAnnotations(missing)} to it`,
        });
      }
    }
  }

  if (aws?.mode === 'irsa' && findings.every((f) => f.ok)) {
    findings.push({ ok: true, reason: IDENTITY_REASONS.configured, message: `IRSA: ServiceAccount ${sa} carries ${IRSA_ROLE_ANNOTATION}=${aws.roleArn}; pods assume it through the EKS Pod Identity Webhook (the cluster needs an IAM OIDC provider trusted by the role)` });
  }
  if (aws?.mode === 'pod-identity') {
    const outcome = obs.podIdentity;
    if (outcome && 'via' in outcome) {
      if (outcome.state === 'synced') findings.push({ ok: true, reason: IDENTITY_REASONS.configured, message: outcome.message });
      else if (outcome.state === 'pending') findings.push({ ok: true, pending: true, reason: IDENTITY_REASONS.ackPending, message: outcome.message });
      else findings.push({ ok: false, reason: IDENTITY_REASONS.ackFailed, message: outcome.message });
    } else if (!outcome) {
      findings.push({ ok: false, reason: IDENTITY_REASONS.eksApiError, message: 'EKS Pod Identity association not checked yet' });
    } else if (outcome.ok) {
      const verb = outcome.action === 'created' ? 'created' : outcome.action === 'updated' ? 'updated to the new role' : 'in place';
      findings.push({ ok: true, reason: IDENTITY_REASONS.configured, message: `EKS Pod Identity: association ${outcome.association.associationId} in cluster ${outcome.association.clusterName} binds ServiceAccount ${sa} to ${aws.roleArn} (${verb})` });
    } else {
      findings.push({ ok: false, reason: outcome.reason, message: outcome.message });
    }
  }
  if (azure && findings.every((f) => f.ok)) {
    findings.push({
      ok: true,
      reason: IDENTITY_REASONS.configured,
      message: `Azure Workload Identity: ServiceAccount ${sa} carries client-id ${azure.clientId}${azure.tenantId ? ` and tenant-id ${azure.tenantId}` : ' (tenant: the webhook default)'}; pods are labelled ${AZURE_USE_LABEL}=true`,
    });
  }

  const failed = findings.filter((f) => !f.ok);
  if (failed.length > 0) return { type: IDENTITY.condition, status: 'False', reason: failed[0]!.reason, message: failed.map((f) => f.message).join('; ') };
  const pending = findings.find((f) => f.pending);
  if (pending) return { type: IDENTITY.condition, status: 'Unknown', reason: pending.reason, message: findings.map((f) => f.message).join('; ') };
  return { type: IDENTITY.condition, status: 'True', reason: IDENTITY_REASONS.configured, message: findings.map((f) => f.message).join('; ') };
}

function formatAnnotations(annotations: Record<string, string>): string {
  return Object.entries(annotations)
    .map(([k, v]) => `${k}: "${v}"`)
    .join(', ');
}
