// Reconciling and Stalled: the two "abnormal-true" conditions kstatus reads from any custom
// resource (sigs.k8s.io/cli-utils, used by Flux's health checks, kpt and `kubectl wait`-style
// tooling). Without them kstatus calls every observed McpServer Current, so a Flux
// Kustomization would report healthy before a single replica answered. Derived from the
// operator's own conditions, pure.
import { CONDITION_TYPES as C, REASONS } from '../api/constants.ts';
import type { ConditionInput } from './conditions.ts';

export const KSTATUS_TYPES = { reconciling: 'Reconciling', stalled: 'Stalled' } as const;

export interface KstatusInputs {
  accepted: ConditionInput;
  available: ConditionInput;
  ready: ConditionInput;
  degraded: ConditionInput;
}

/** Degraded reasons that heal by themselves (a replica still starting): still reconciling. */
const TRANSIENT_DEGRADED = new Set(['ReplicasUnavailable']);

export function kstatusConditions(c: KstatusInputs): ConditionInput[] {
  let stalledBy: ConditionInput | undefined;
  if (c.accepted.status === 'False') stalledBy = c.accepted;
  else if (c.available.status === 'False' && c.available.reason === REASONS.deploymentUnavailable) stalledBy = c.available;
  else if (c.degraded.status === 'True' && !TRANSIENT_DEGRADED.has(c.degraded.reason)) stalledBy = c.degraded;

  // A settled scale to zero is Ready (see status.ts): the desired state, so neither condition.
  const scaledToZero = c.ready.status === 'True' && c.ready.reason === REASONS.scaledToZero;
  const settling = c.degraded.status === 'True' && TRANSIENT_DEGRADED.has(c.degraded.reason);
  const reconciling = stalledBy === undefined && (c.ready.status !== 'True' || settling);
  const progress = settling ? c.degraded : c.ready;
  return [
    reconciling
      ? { type: KSTATUS_TYPES.reconciling, status: 'True', reason: progress.reason, message: progress.message }
      : { type: KSTATUS_TYPES.reconciling, status: 'False', reason: stalledBy ? 'Stalled' : scaledToZero ? 'ScaledToZero' : 'Reconciled', message: stalledBy ? 'waiting for a change: see Stalled' : scaledToZero ? 'scaled to zero replicas' : 'the server matches its spec' },
    stalledBy
      ? { type: KSTATUS_TYPES.stalled, status: 'True', reason: stalledBy.reason, message: `${stalledBy.type === C.degraded ? '' : `${stalledBy.type}: `}${stalledBy.message}` }
      : { type: KSTATUS_TYPES.stalled, status: 'False', reason: REASONS.asExpected, message: 'no problem that needs a change' },
  ];
}
