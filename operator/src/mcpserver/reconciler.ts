// reconcile(key): read the McpServer → validate → build the desired children → apply what
// differs (server-side apply, one field manager) → prune children no longer wanted → verify the
// MCP endpoint in the background → write status only when it changed. It never looks at the
// event that enqueued the key (level-triggered); an invalid spec is a False condition, not an error.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { kubeTime } from './quantity.ts';
import type { V1Deployment, V1Ingress } from '@kubernetes/client-node';
import { CONDITION_TYPES, FIELD_MANAGER, IDENTITY, REASONS } from '../api/constants.ts';
import type { McpServer, McpServerStatus } from '../api/mcpserver.ts';
import { validateMcpServer } from '../api/validation.ts';
import type { Applier } from '../kube/apply.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { parseKey } from '../kube/keys.ts';
import { deepEqual } from '../kube/needs-apply.ts';
import type { KubeObject } from '../kube/types.ts';
import type { ReconcileContext, ReconcileOutcome } from '../runtime/controller.ts';
import { withObject } from '../observability/logger.ts';
import { annotateActiveSpan, OPERATOR_ATTR, reconcileStep } from '../observability/tracing.ts';
import { desiredChildren, kindKey, OWNED_KINDS } from './children.ts';
import { flippedConditions, setConditions } from './conditions.ts';
import { NO_OPTIONAL_APIS, type BuildContext, type OptionalApis } from './context.ts';
import { autoscalerOwnsReplicas } from './deployment.ts';
import type { EventRecorder } from './events.ts';
import { ACK_EKS_API_VERSION, ACK_POD_IDENTITY_KIND, resolvePodIdentityProvider, type PodIdentityProviderSetting } from './identity/ack.ts';
import { createEksPodIdentityApi } from './identity/eks-api.ts';
import { PodIdentityAssociations } from './identity/pod-identity.ts';
import { IdentityStep } from './identity/step.ts';
import { unenforcedFields } from './guarantees.ts';
import { integrationStatus } from './integrations.ts';
import { selectorString } from './labels.ts';
import type { ReferenceIndex } from './reference-index.ts';
import { referencedObjects, referenceKey, type Reference } from './references.ts';
import { resolveRuntime } from './runtime.ts';
import { computeStatus, reportedDrift, TOOL_SURFACE_CHANGED, type StatusObservation } from './status.ts';
import { describeDrift } from './tool-surface.ts';
import { inClusterUrl } from './urls.ts';
import type { Verifier } from './verifier.ts';

/** Read access to the informer caches. */
export interface ReconcilerCache {
  mcpServer(namespace: string, name: string): KubeObject | undefined;
  child(apiVersion: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  /** Children of one kind whose controller ownerReference points at `ownerUid`. */
  ownedBy(apiVersion: string, kind: string, namespace: string, ownerUid: string): KubeObject[];
  /**
   * Metadata of a referenced Secret/ConfigMap from the metadata-only watch: null when it does
   * not exist, undefined when the watch has not synced yet (then it is read from the API).
   */
  referenced?(namespace: string, kind: Reference['kind'], name: string): KubeObject | null | undefined;
}

export interface ReconcilerDeps {
  client: KubeClient;
  applier: Applier;
  /** A second manager that holds spec.replicas while ownership passes to an autoscaler. */
  handoffApplier: Applier;
  cache: ReconcilerCache;
  verifier: Verifier;
  events: EventRecorder;
  settings: Omit<BuildContext, 'referencedVersions' | 'optionalApis'>;
  /** Which optional APIs (KEDA, Prometheus Operator) the cluster serves; cheap, cached discovery. */
  optionalApis?: () => Promise<OptionalApis>;
  now?: () => Date;
  /** Called with every McpServer's Ready status after its reconcile (metrics gauge). */
  onReadyState?: (key: string, ready: 'True' | 'False' | 'Unknown' | undefined) => void;
  /** Called with the number of drifted tools of a pinned surface (0 when none, or not pinned). */
  onToolSurfaceDrift?: (key: string, driftedTools: number) => void;
  /** Records each server's Secret/ConfigMap references so their changes re-queue it. */
  referenceIndex?: ReferenceIndex;
  /** EKS Pod Identity associations (default: the real EKS API, SDK defaults, no default cluster). */
  podIdentity?: {
    associations: PodIdentityAssociations;
    defaultClusterName?: string | undefined;
    /** --pod-identity-provider (default auto: ACK when its CRD is served, else the EKS API). */
    provider?: PodIdentityProviderSetting;
  };
}

export const HANDOFF_FIELD_MANAGER = `${FIELD_MANAGER}-replicas-handoff`;

export class McpServerReconciler {
  private readonly deps: ReconcilerDeps;
  private readonly identity: IdentityStep;
  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
    this.identity = new IdentityStep({
      client: deps.client,
      applier: deps.applier,
      associations: deps.podIdentity?.associations ?? new PodIdentityAssociations({ api: () => createEksPodIdentityApi() }),
      defaultClusterName: deps.podIdentity?.defaultClusterName,
    });
  }

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileOutcome> {
    const { namespace, name } = parseKey(key);
    if (!namespace) throw new Error(`McpServer key ${key} has no namespace`);
    const raw = this.deps.cache.mcpServer(namespace, name);
    if (!raw) {
      // Deleted: the garbage collector removes the children through their ownerReferences.
      this.deps.verifier.forget(key);
      this.deps.referenceIndex?.forget(key);
      this.deps.onReadyState?.(key, undefined);
      this.deps.onToolSurfaceDrift?.(key, 0);
      return;
    }
    ctx = { ...ctx, logger: withObject(ctx.logger, raw) };
    const generation = raw.metadata?.generation ?? 0;
    annotateActiveSpan({ [OPERATOR_ATTR.generation]: generation });
    const previous = raw.status as McpServerStatus | undefined;
    const now = kubeTime((this.deps.now ?? (() => new Date()))());
    if (raw.metadata?.deletionTimestamp) {
      // Being deleted: only finalizers are left to run (the children go with their owner).
      const validated = validateMcpServer(raw);
      const { failure } = await this.identity.finalize(raw, validated.ok ? validated.value : undefined, ctx);
      if (failure) {
        await this.writeStatus(raw, previous, { ...(previous ?? {}), conditions: setConditions(previous?.conditions, [failure.condition], generation, now) });
        throw failure.error;
      }
      return;
    }

    const validation = validateMcpServer(raw);
    if (!validation.ok) {
      const message = validation.problems.join('; ');
      ctx.logger.info('invalid McpServer spec', { problems: validation.problems });
      const reason = validation.problems.some((p) => p.startsWith('spec.config')) ? REASONS.invalidConfig : REASONS.invalidSpec;
      const previouslyRunning = this.deps.cache.ownedBy('apps/v1', 'Deployment', namespace, raw.metadata?.uid ?? '').length > 0;
      const status = computeStatus(previous, { generation, invalid: { reason, message }, previouslyRunning, missingReferences: [] }, now);
      await this.writeStatus(raw, previous, status);
      return;
    }
    const server = validation.value;
    const unenforced = unenforcedFields(server, this.deps.settings.telemetry);
    if (unenforced.length > 0) {
      ctx.logger.info('McpServer sets fields its kind of server cannot enforce', { problems: unenforced });
      const status = computeStatus(previous, { generation, invalid: { reason: REASONS.notEnforced, message: unenforced.join('; ') }, missingReferences: [] }, now);
      await this.writeStatus(raw, previous, status);
      return;
    }

    // Referenced Secrets/ConfigMaps: their versions roll the pods; missing ones are reported.
    const runtimePreview = resolveRuntime(server, { ...this.deps.settings, referencedVersions: {} });
    const referencedVersions: Record<string, string> = {};
    const missing: string[] = [];
    const references = referencedObjects(server, runtimePreview);
    this.deps.referenceIndex?.track(key, namespace, references);
    await reconcileStep('read references', async () => {
      for (const ref of references) {
        const live = await this.readReference(namespace, ref, ctx.signal);
        referencedVersions[referenceKey(ref)] = live?.metadata?.resourceVersion ?? '';
        if (!live && !ref.optional) missing.push(`${ref.kind} ${ref.name}`);
      }
    });
    const optionalApis = this.deps.optionalApis ? await this.deps.optionalApis() : NO_OPTIONAL_APIS;
    const podIdentityProvider = resolvePodIdentityProvider(this.deps.podIdentity?.provider ?? 'auto', optionalApis.ackPodIdentity ?? false);

    // Before the pods exist: the Pod Identity webhook only serves pods created after the association.
    const identity = await reconcileStep('identity', () => this.identity.reconcile(raw, server, ctx, podIdentityProvider));
    const buildContext: BuildContext = {
      ...this.deps.settings,
      referencedVersions,
      optionalApis,
      // The ACK child only once the identity step cleared any EKS-API association of this server.
      podIdentityProvider: identity.ack ? 'ack' : 'eks-api',
      defaultEksClusterName: this.deps.podIdentity?.defaultClusterName,
    };

    const desired = desiredChildren(server, buildContext);
    const applied = new Map<string, KubeObject>();
    await reconcileStep('apply children', async () => {
      for (const child of desired) {
        // Diffing a large child is CPU work with no I/O in between when nothing changed: give
        // timers (the lease renewal) and probes a turn before each one.
        await yieldToEventLoop();
        ctx.signal.throwIfAborted();
        const live = this.deps.cache.child(child.apiVersion!, child.kind!, namespace, child.metadata!.name!);
        if (child.kind === 'Deployment' && live && autoscalerOwnsReplicas(server)) await this.handOffReplicas(live, ctx);
        const result = await this.deps.applier.applyIfNeeded(child, live);
        if (result.changed) ctx.logger.info('applied child', { kind: child.kind, child: child.metadata!.name });
        applied.set(kindKey(child.apiVersion!, child.kind!), result.object);
      }
    });
    await reconcileStep('prune', () => this.prune(server, desired, ctx));

    const url = inClusterUrl(server, this.deps.settings);
    const deployment = applied.get(kindKey('apps/v1', 'Deployment')) as V1Deployment | undefined;
    const integration = integrationStatus(server, {
      apis: optionalApis,
      ingress: applied.get(kindKey('networking.k8s.io/v1', 'Ingress')) as V1Ingress | undefined,
      scaledObject: applied.get(kindKey('keda.sh/v1alpha1', 'ScaledObject')),
    });
    const identityCondition = identity.ack ? identity.ack.conditionFor(applied.get(kindKey(ACK_EKS_API_VERSION, ACK_POD_IDENTITY_KIND))) : identity.condition;
    const integrationObservation = {
      extraConditions: [...integration.conditions, ...(identityCondition ? [identityCondition] : [])],
      retiredConditions: [...integration.retired, ...(identityCondition ? [] : [IDENTITY.condition])],
      ...(integration.externalUrl ? { externalUrl: integration.externalUrl } : {}),
    };
    const pinning = server.spec.tools?.pinning;
    const pinningObservation = pinning ? { pinning: { approved: pinning.approved } } : {};
    // The verifier's latest result feeds the status; asking for a probe may start one (never waits).
    const observe = () =>
      computeStatus(previous, { generation, deployment, missingReferences: missing, url, selector: selectorString(server), verification: this.deps.verifier.result(key), ...integrationObservation, ...pinningObservation }, now);
    let status = observe();
    let requeueAfterMs: number | undefined;
    if (status.conditions?.find((c) => c.type === CONDITION_TYPES.available)?.status === 'True') {
      requeueAfterMs = this.deps.verifier.request(key, server, url);
      status = observe();
    }
    await reconcileStep('write status', () => this.writeStatus(raw, previous, status));
    this.deps.onReadyState?.(key, status.conditions?.find((c) => c.type === CONDITION_TYPES.ready)?.status);
    await this.reportSurfaceDrift(raw, key, previous, status, pinningObservation.pinning);
    if (identity.error) throw identity.error;
    if (identity.requeueAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? identity.requeueAfterMs, identity.requeueAfterMs);
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
  }

  /** A referenced Secret/ConfigMap's metadata: from the watch cache once synced, else a GET. */
  private async readReference(namespace: string, ref: Reference, signal: AbortSignal): Promise<KubeObject | undefined> {
    const cached = this.deps.cache.referenced?.(namespace, ref.kind, ref.name);
    if (cached !== undefined) return cached ?? undefined;
    return this.deps.client.get(`/api/v1/namespaces/${namespace}/${ref.kind === 'Secret' ? 'secrets' : 'configmaps'}/${ref.name}`, signal);
  }

  /**
   * Before the operator stops applying spec.replicas, a second field manager takes the field
   * over at its live value; without it, dropping the field would reset the Deployment to one
   * replica until the autoscaler noticed.
   */
  private async handOffReplicas(live: KubeObject, ctx: ReconcileContext): Promise<void> {
    const ours = live.metadata?.managedFields?.find((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply' && !m.subresource);
    const ownsReplicas = (ours?.fieldsV1 as { 'f:spec'?: { 'f:replicas'?: unknown } } | undefined)?.['f:spec']?.['f:replicas'] !== undefined;
    const replicas = (live as V1Deployment).spec?.replicas;
    if (!ownsReplicas || replicas === undefined) return;
    ctx.logger.info('handing spec.replicas over to the autoscaler', { replicas });
    await this.deps.handoffApplier.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: live.metadata!.name!, namespace: live.metadata!.namespace! }, spec: { replicas } } as KubeObject);
  }

  private async prune(server: McpServer, desired: KubeObject[], ctx: ReconcileContext): Promise<void> {
    const wanted = new Set(desired.map((c) => `${kindKey(c.apiVersion!, c.kind!)}/${c.metadata!.name}`));
    for (const kind of OWNED_KINDS) {
      for (const child of this.deps.cache.ownedBy(kind.apiVersion, kind.kind, server.metadata.namespace!, server.metadata.uid!)) {
        if (wanted.has(`${kindKey(kind.apiVersion, kind.kind)}/${child.metadata!.name}`)) continue;
        ctx.logger.info('pruning child no longer wanted', { kind: kind.kind, child: child.metadata!.name });
        await this.deps.applier.delete({ apiVersion: kind.apiVersion, kind: kind.kind, namespace: server.metadata.namespace!, name: child.metadata!.name!, uid: child.metadata!.uid }, 'Background');
      }
    }
  }

  /**
   * Drift of a pinned tool surface: the metric always follows it; a new or different drift gets a
   * Warning Event of its own unless the Degraded flip just reported it.
   */
  private async reportSurfaceDrift(raw: KubeObject, key: string, previous: McpServerStatus | undefined, status: McpServerStatus, pinning: StatusObservation['pinning']): Promise<void> {
    const drift = reportedDrift(status, pinning);
    this.deps.onToolSurfaceDrift?.(key, drift ? drift.added.length + drift.removed.length + drift.changed.length : 0);
    if (!drift) return;
    const before = previous ? reportedDrift(previous, pinning) : undefined;
    if (before && JSON.stringify(before) === JSON.stringify(drift)) return;
    const degradedBefore = previous?.conditions?.find((c) => c.type === CONDITION_TYPES.degraded);
    const degradedNow = status.conditions?.find((c) => c.type === CONDITION_TYPES.degraded);
    if (degradedNow?.reason === TOOL_SURFACE_CHANGED && degradedBefore?.status !== 'True') return;
    const target = { name: raw.metadata!.name!, namespace: raw.metadata!.namespace!, uid: raw.metadata?.uid, resourceVersion: raw.metadata?.resourceVersion };
    await this.deps.events.record(target, 'Warning', TOOL_SURFACE_CHANGED, describeDrift(drift, status.toolSurface?.withheld));
  }

  private async writeStatus(raw: KubeObject, previous: McpServerStatus | undefined, status: McpServerStatus): Promise<void> {
    if (deepEqual(previous ?? {}, status)) return;
    // Server-side apply of the whole status: fields we stop reporting (externalUrl...) are removed.
    try {
      await this.deps.applier.applyStatus({ apiVersion: raw.apiVersion!, kind: raw.kind!, metadata: { namespace: raw.metadata!.namespace!, name: raw.metadata!.name! }, status });
    } catch (err) {
      // Deleted while this reconcile ran (a normal delete): there is no status left to write,
      // and the informer's delete event ends the object's reconciles.
      if (isNotFound(err)) return;
      throw err;
    }
    const target = { name: raw.metadata!.name!, namespace: raw.metadata!.namespace!, uid: raw.metadata?.uid, resourceVersion: raw.metadata?.resourceVersion };
    for (const condition of flippedConditions(previous?.conditions, status.conditions ?? [])) {
      await this.deps.events.conditionChanged(target, condition);
    }
  }
}
