// Computes a McpServer's status from what the reconciler observed. Pure: the clock comes in as
// `now` and only lands in lastTransitionTime when a condition flips, so observing the same world
// twice yields the same status (and no write).
import type { V1Deployment } from '@kubernetes/client-node';
import { CONDITION_TYPES as C, REASONS } from '../api/constants.ts';
import type { McpServerStatus } from '../api/mcpserver.ts';
import { findCondition, setConditions, type ConditionInput } from './conditions.ts';
import { surfaceDigest } from '../../../servers/kit/toolSurface.ts';
import { describeDrift, describeTooLarge, hasDrift, pinnableTools, surfaceDrift, type SurfaceDrift } from './tool-surface.ts';
import { kstatusConditions } from './kstatus.ts';
import { MAX_STATUS_TOOLS, type VerificationResult } from './verification.ts';

export interface StatusObservation {
  generation: number;
  /** undefined when the spec is valid. */
  invalid?: { reason: string; message: string };
  /** With `invalid`: whether pods of an earlier valid spec exist (they keep running). */
  previouslyRunning?: boolean;
  deployment?: V1Deployment;
  /** Latest verification of this server, if any. */
  verification?: VerificationResult;
  /** Secrets/ConfigMaps the pods need that do not exist. */
  missingReferences: string[];
  url?: string;
  externalUrl?: string;
  selector?: string;
  /** Conditions contributed by integrations (autoscaling, identity, ...). */
  extraConditions?: ConditionInput[];
  /** Integration condition types that no longer apply (the feature was turned off): removed. */
  retiredConditions?: string[];
  /** spec.tools.pinning, when set: drift of the verified surface from the approved one is reported. */
  pinning?: { approved?: Record<string, string> | undefined };
}

export const TOOL_SURFACE_CHANGED = 'ToolSurfaceChanged';
/** Pinning records at most MAX_STATUS_TOOLS digests; a larger surface is only partly pinned. */
export const TOOL_SURFACE_TOO_LARGE = 'ToolSurfaceTooLarge';

/** The drift the status reports (for the Event and the metric); undefined when not pinned or none. */
export function reportedDrift(status: McpServerStatus, pinning: StatusObservation['pinning']): SurfaceDrift | undefined {
  if (!pinning || !status.toolSurface) return undefined;
  const baseline = pinning.approved ?? status.toolSurface.adopted;
  if (!baseline) return undefined;
  const drift = surfaceDrift(baseline, status.toolSurface.tools);
  return hasDrift(drift) ? drift : undefined;
}

interface Availability {
  condition: ConditionInput;
  rolledOut: boolean;
  desired: number;
  ready: number;
}

function availability(deployment: V1Deployment | undefined): Availability {
  if (!deployment) {
    return { condition: { type: C.available, status: 'False', reason: REASONS.deploymentProgressing, message: 'waiting for the Deployment to be created' }, rolledOut: false, desired: 0, ready: 0 };
  }
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const available = status.availableReplicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const rolledOut = observed && updated >= desired && (status.replicas ?? 0) === updated;
  if (desired === 0) {
    // Zero is settled only once the Deployment controller has seen the scale-down and the last
    // pod is gone; until then the server is still on its way down.
    const settled = observed && (status.replicas ?? 0) === 0;
    const condition: ConditionInput = settled
      ? { type: C.available, status: 'False', reason: REASONS.scaledToZero, message: 'scaled to zero replicas; the server starts again when it is scaled up' }
      : { type: C.available, status: 'False', reason: REASONS.deploymentProgressing, message: `scaling down to zero: ${status.replicas ?? 0} replicas still running` };
    return { condition, rolledOut, desired, ready };
  }
  const deploymentAvailable = deployment.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True';
  if (available >= 1 && deploymentAvailable) {
    return { condition: { type: C.available, status: 'True', reason: REASONS.deploymentAvailable, message: `${available}/${desired} replicas available` }, rolledOut, desired, ready };
  }
  const stalled = deployment.status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  return {
    condition: {
      type: C.available,
      status: 'False',
      reason: stalled ? REASONS.deploymentUnavailable : REASONS.deploymentProgressing,
      message: stalled ? `rollout stalled: ${stalled.message ?? 'progress deadline exceeded'}` : `${available}/${desired} replicas available`,
    },
    rolledOut,
    desired,
    ready,
  };
}

function describeVerified(v: Extract<VerificationResult, { ok: true }>): string {
  if (!v.server) return `OAuth-protected endpoint publishes its metadata for ${v.protectedResource}; tools are listed only with a token`;
  const hidden = v.toolsOffered !== undefined && v.toolsOffered > v.toolCount ? ` exposed of ${v.toolsOffered} offered (spec.tools hides ${v.toolsOffered - v.toolCount})` : '';
  return `${v.server.name} ${v.server.version} answered over MCP ${v.server.protocolVersion} with ${v.toolCount} tool${v.toolCount === 1 ? '' : 's'}${hidden}`;
}

/**
 * Ready names what actually blocks the server: a missing Secret/ConfigMap (the pods cannot
 * start, so "the Deployment is progressing" would mislead), then availability, then MCP
 * verification. A settled scale to zero is Ready (reason ScaledToZero): zero replicas is the
 * desired state (spec.replicas 0, KEDA idle), the spec is applied and every child is in place,
 * so GitOps tools waiting on the object (Flux kstatus, Argo CD) see it as done, not stuck;
 * Available=False still says that nothing serves right now.
 */
function readyCondition(available: ConditionInput, verified: ConditionInput, missingReferences: string[]): ConditionInput {
  if (available.status !== 'True' && missingReferences.length > 0) {
    const list = missingReferences.join(', ');
    return { type: C.ready, status: 'False', reason: REASONS.missingReference, message: `${list} ${missingReferences.length === 1 ? 'does' : 'do'} not exist; the pods cannot start until ${missingReferences.length === 1 ? 'it is' : 'they are'} created` };
  }
  if (available.reason === REASONS.scaledToZero) {
    return { type: C.ready, status: 'True', reason: REASONS.scaledToZero, message: 'scaled to zero replicas as the spec asks; the server starts when it is scaled up' };
  }
  const notReady = [available, verified].find((c) => c.status !== 'True');
  return notReady
    ? { type: C.ready, status: 'False', reason: notReady.reason, message: `${notReady.type}: ${notReady.message}` }
    : { type: C.ready, status: 'True', reason: REASONS.ready, message: 'the server is available and answers MCP' };
}

export function computeStatus(previous: McpServerStatus | undefined, obs: StatusObservation, now: string): McpServerStatus {
  const next: McpServerStatus = { ...(previous ?? {}), observedGeneration: obs.generation };
  if (obs.url !== undefined) next.url = obs.url;
  if (obs.externalUrl !== undefined) next.externalUrl = obs.externalUrl;
  else delete next.externalUrl;
  if (obs.selector !== undefined) next.selector = obs.selector;

  if (obs.invalid) {
    const accepted: ConditionInput = { type: C.accepted, status: 'False', reason: obs.invalid.reason, message: obs.invalid.message };
    const ready: ConditionInput = { type: C.ready, status: 'False', reason: obs.invalid.reason, message: 'the spec is invalid; see the Accepted condition' };
    const degraded: ConditionInput = {
      type: C.degraded,
      status: 'True',
      reason: obs.invalid.reason,
      message: obs.previouslyRunning ? 'the spec is invalid; the last valid configuration keeps running' : 'the spec is invalid; nothing runs until it is fixed',
    };
    const available = findCondition(previous?.conditions, C.available) ?? { type: C.available, status: 'Unknown', reason: obs.invalid.reason, message: '' };
    next.conditions = setConditions(previous?.conditions, [accepted, ready, degraded, ...kstatusConditions({ accepted, available, ready, degraded })], obs.generation, now);
    return next;
  }

  const avail = availability(obs.deployment);
  next.replicas = obs.deployment?.status?.replicas ?? 0;
  next.readyReplicas = obs.deployment?.status?.readyReplicas ?? 0;

  let verified: ConditionInput;
  const v = obs.verification;
  if (avail.condition.status !== 'True') {
    verified = { type: C.verified, status: 'Unknown', reason: REASONS.verificationPending, message: 'verification waits until the server is available' };
  } else if (v?.ok && !v.server) {
    verified = { type: C.verified, status: 'True', reason: 'OAuthProtected', message: describeVerified(v) };
  } else if (v?.ok) {
    verified = { type: C.verified, status: 'True', reason: REASONS.mcpVerified, message: describeVerified(v) };
    const server = v.server;
    const tools = v.tools.slice(0, MAX_STATUS_TOOLS).map((t) => (t.title ? { name: t.name, title: t.title } : { name: t.name }));
    const unchanged = JSON.stringify(previous?.server) === JSON.stringify(server) && JSON.stringify(previous?.tools) === JSON.stringify(tools) && previous?.toolCount === v.toolCount && previous?.toolsOffered === v.toolsOffered;
    next.server = server;
    next.tools = tools;
    next.toolCount = v.toolCount;
    if (v.toolsOffered !== undefined) next.toolsOffered = v.toolsOffered;
    else delete next.toolsOffered;
    // The kit's own report (server names, before overrides, withheld tools included) when it gave one.
    const digests = v.surface
      ? Object.fromEntries(Object.entries(v.surface).slice(0, MAX_STATUS_TOOLS))
      : Object.fromEntries(v.tools.slice(0, MAX_STATUS_TOOLS).flatMap((t) => (t.digest ? [[t.name, t.digest]] : [])));
    // Without approved digests in the spec, the first verified surface becomes the baseline.
    const adopted = obs.pinning && !obs.pinning.approved ? (previous?.toolSurface?.adopted ?? digests) : undefined;
    const withheld = v.withheld?.slice(0, MAX_STATUS_TOOLS);
    next.toolSurface = { digest: surfaceDigest(digests), tools: digests, ...(adopted ? { adopted } : {}), ...(withheld?.length ? { withheld } : {}) };
    next.lastVerifiedTime = unchanged && previous?.lastVerifiedTime ? previous.lastVerifiedTime : v.at;
  } else if (v && !v.ok) {
    verified = { type: C.verified, status: 'False', reason: REASONS.mcpVerifyFailed, message: v.error };
  } else {
    // No result yet (first rollout, or the operator restarted): keep what the last
    // verification recorded rather than flapping to Unknown.
    const last = findCondition(previous?.conditions, C.verified);
    verified = last && last.status === 'True'
      ? { type: C.verified, status: 'True', reason: last.reason, message: last.message }
      : { type: C.verified, status: 'Unknown', reason: REASONS.verificationPending, message: 'connecting to the MCP endpoint' };
  }

  const accepted: ConditionInput = { type: C.accepted, status: 'True', reason: REASONS.specValid, message: 'the spec is valid' };
  const ready = readyCondition(avail.condition, verified, obs.missingReferences);

  const degradedReasons: { reason: string; message: string }[] = [];
  if (!obs.pinning && next.toolSurface?.adopted) next.toolSurface = { digest: next.toolSurface.digest, tools: next.toolSurface.tools };
  const drift = reportedDrift(next, obs.pinning);
  if (drift) degradedReasons.push({ reason: TOOL_SURFACE_CHANGED, message: describeDrift(drift, next.toolSurface?.withheld) });
  const unpinned = obs.pinning && v?.ok && v.server ? pinnableTools(v) - MAX_STATUS_TOOLS : 0;
  if (unpinned > 0) degradedReasons.push({ reason: TOOL_SURFACE_TOO_LARGE, message: describeTooLarge(unpinned) });
  if (obs.missingReferences.length > 0) degradedReasons.push({ reason: REASONS.missingReference, message: `missing ${obs.missingReferences.join(', ')}` });
  if (avail.condition.status === 'True' && avail.ready < avail.desired) degradedReasons.push({ reason: 'ReplicasUnavailable', message: `${avail.ready}/${avail.desired} replicas ready` });
  if (v && !v.ok && avail.condition.status === 'True') degradedReasons.push({ reason: REASONS.mcpVerifyFailed, message: v.error });
  for (const extra of obs.extraConditions ?? []) {
    if (extra.status === 'False' && extra.type.endsWith('Ready')) degradedReasons.push({ reason: extra.reason, message: `${extra.type}: ${extra.message}` });
  }
  const degraded: ConditionInput = degradedReasons.length > 0
    ? { type: C.degraded, status: 'True', reason: degradedReasons[0]!.reason, message: degradedReasons.map((d) => d.message).join('; ') }
    : { type: C.degraded, status: 'False', reason: REASONS.asExpected, message: 'no problems observed' };

  const kept = previous?.conditions?.filter((c) => !obs.retiredConditions?.includes(c.type));
  const kstatus = kstatusConditions({ accepted, available: avail.condition, ready, degraded });
  next.conditions = setConditions(kept, [accepted, avail.condition, verified, ready, degraded, ...kstatus, ...(obs.extraConditions ?? [])], obs.generation, now);
  return next;
}
