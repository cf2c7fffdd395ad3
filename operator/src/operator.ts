// Wires the operator together: informers over McpServers and every owned kind feed one work
// queue; the controller runs the McpServer reconciler while this replica leads; the health
// server reports readiness, the metrics server serves authorized scrapers. main.ts only parses
// configuration and handles signals.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { API_VERSION, FIELD_MANAGER, GROUP, KIND, LABELS, MANAGED_BY, PLURAL } from './api/constants.ts';
import type { OperatorConfig } from './config/config.ts';
import { Applier } from './kube/apply.ts';
import { KubeClient, loadKubeConfig } from './kube/client.ts';
import { createInformer, type Informer } from './kube/informer.ts';
import { controllerOwnerUids, objectKey, ownerKeyOf, parseKey } from './kube/keys.ts';
import { ResourceResolver } from './kube/resources.ts';
import type { KubeObject } from './kube/types.ts';
import { apiKeyHeaders } from './mcpserver/api-key.ts';
import { OWNED_KINDS, kindKey, type OwnedKind } from './mcpserver/children.ts';
import type { OptionalApis } from './mcpserver/context.ts';
import { EventRecorder } from './mcpserver/events.ts';
import { createEksPodIdentityApi } from './mcpserver/identity/eks-api.ts';
import { PodIdentityAssociations } from './mcpserver/identity/pod-identity.ts';
import { ReferenceIndex } from './mcpserver/reference-index.ts';
import type { Reference } from './mcpserver/references.ts';
import { HANDOFF_FIELD_MANAGER, McpServerReconciler, type ReconcilerCache } from './mcpserver/reconciler.ts';
import { Verifier, serviceDnsResolver, type EndpointResolver } from './mcpserver/verifier.ts';
import { startHealthServer, type HealthServer } from './observability/health.ts';
import type { HttpEndpoint } from './observability/http-endpoint.ts';
import { MetricsAuthorizer } from './observability/metrics-auth.ts';
import { startMetricsServer } from './observability/metrics-server.ts';
import { loadServingCert } from './observability/serving-cert.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type OperatorMetrics, type ReadyState } from './observability/metrics.ts';
import { Controller } from './runtime/controller.ts';
import { LeaderElector } from './runtime/leader.ts';
import { defaultControllerRateLimiter } from './runtime/ratelimit.ts';
import { WorkQueue } from './runtime/workqueue.ts';

export interface OperatorOptions {
  config: OperatorConfig;
  logger?: Logger;
  /** How MCP endpoints are reached for verification (Service DNS by default). */
  endpointResolver?: EndpointResolver;
  /** Verification timeout per probe. */
  verifyTimeoutMs?: number;
}

export class Operator {
  readonly logger: Logger;
  readonly metrics: OperatorMetrics;
  readonly identity: string;
  private readonly config: OperatorConfig;
  private readonly client: KubeClient;
  private readonly queue: WorkQueue;
  private readonly controller: Controller;
  private readonly verifier: Verifier;
  private readonly informers: Informer<KubeObject>[] = [];
  private readonly mcpServers: Informer<KubeObject>;
  private readonly children = new Map<string, Informer<KubeObject>>();
  private readonly resources: ResourceResolver;
  private readonly createChildInformer: (kind: OwnedKind) => Informer<KubeObject>;
  private started = false;
  private readonly readyStates = new Map<string, ReadyState>();
  private readonly readyCounts: Record<ReadyState, number> = { True: 0, False: 0, Unknown: 0 };
  private elector: LeaderElector | undefined;
  private health: HealthServer | undefined;
  private metricsEndpoint: HttpEndpoint | undefined;
  private leading = false;

  constructor(opts: OperatorOptions) {
    this.config = opts.config;
    this.logger = opts.logger ?? createLogger({ level: opts.config.logLevel, format: opts.config.logFormat });
    this.metrics = createMetrics({ defaultMetrics: true });
    this.identity = opts.config.leaderIdentity ?? `${os.hostname()}-${randomUUID().slice(0, 8)}`;
    const kc = loadKubeConfig({ kubeconfigPath: opts.config.kubeconfig, context: opts.config.kubeContext });
    this.client = new KubeClient({ kc, userAgent: `${FIELD_MANAGER}/${this.identity}`, requestTimeoutMs: opts.config.apiTimeoutMs });
    const resources = new ResourceResolver({ client: this.client, extra: [{ apiVersion: API_VERSION, kind: KIND, plural: PLURAL, namespaced: true, subresources: ['status', 'scale'] }] });
    this.resources = resources;
    const canWrite = () => this.leading;
    const applier = new Applier({ client: this.client, resources, canWrite });
    const handoffApplier = new Applier({ client: this.client, resources, canWrite, fieldManager: HANDOFF_FIELD_MANAGER });

    this.queue = new WorkQueue({
      name: 'mcpservers',
      metrics: this.metrics,
      rateLimiter: defaultControllerRateLimiter({ baseDelayMs: opts.config.requeueBaseDelayMs, maxDelayMs: opts.config.requeueMaxDelayMs, qps: opts.config.queueQps, burst: opts.config.queueBurst }),
    });
    this.verifier = new Verifier({
      resolver: opts.endpointResolver ?? serviceDnsResolver,
      intervalMs: opts.config.verifyIntervalMs || Number.MAX_SAFE_INTEGER,
      timeoutMs: opts.verifyTimeoutMs ?? 10_000,
      backoff: { initialMs: 2_000, maxMs: 300_000 },
      // Probes wait on the network, not the CPU: many may run at once.
      concurrency: 32,
      onResult: (key) => this.queue.add(key),
      headersFor: (server) => apiKeyHeaders(this.client, server),
    });

    const ns = opts.config.watchNamespace;
    const scoped = (path: string) => (ns ? path.replace(/^(\/apis?\/(?:[^/]+\/)?[^/]+)\//, `$1/namespaces/${ns}/`) : path);
    const common = {
      client: this.client,
      stallTimeoutMs: opts.config.watchStallTimeoutMs,
      backoff: { initialMs: opts.config.watchBackoffInitialMs, maxMs: opts.config.watchBackoffMaxMs },
      logger: this.logger,
      metrics: this.metrics,
    };
    this.mcpServers = createInformer<KubeObject>({
      ...common,
      name: PLURAL,
      path: scoped(`/apis/${API_VERSION}/${PLURAL}`),
      resyncPeriodMs: opts.config.resyncPeriodMs,
      onChange: (obj) => this.queue.add(objectKey(obj)),
    });
    this.informers.push(this.mcpServers);
    // Referenced Secrets and ConfigMaps, metadata only (never their data): a change re-queues
    // the McpServers that reference them (a Secret created after its McpServer, a rotated key).
    const referenceIndex = new ReferenceIndex();
    const referenceInformers = new Map<Reference['kind'], Informer<KubeObject>>();
    for (const [kind, plural] of [['Secret', 'secrets'], ['ConfigMap', 'configmaps']] as const) {
      const informer = createInformer<KubeObject>({
        ...common,
        name: plural,
        path: scoped(`/api/v1/${plural}`),
        metadataOnly: true,
        onChange: (obj) => {
          for (const owner of referenceIndex.ownersOf(obj.metadata?.namespace ?? '', kind, obj.metadata?.name ?? '')) this.queue.add(owner);
        },
      });
      referenceInformers.set(kind, informer);
      this.informers.push(informer);
    }
    this.createChildInformer = (kind) =>
      createInformer<KubeObject>({
        ...common,
        name: kind.path.split('/').pop()!,
        path: scoped(kind.path),
        labelSelector: `${LABELS.managedBy}=${MANAGED_BY}`,
        indexBy: controllerOwnerUids,
        onChange: (obj) => {
          const owner = ownerKeyOf(obj, { group: GROUP, kind: KIND });
          if (owner) this.queue.add(owner);
        },
      });
    // Kinds of optional APIs get their informer once discovery finds them (optionalApis()):
    // watching a resource the server does not serve would only fail and back off forever.
    for (const kind of OWNED_KINDS.filter((k) => !k.optional)) {
      const informer = this.createChildInformer(kind);
      this.children.set(kindKey(kind.apiVersion, kind.kind), informer);
      this.informers.push(informer);
    }

    const cache: ReconcilerCache = {
      mcpServer: (namespace, name) => this.mcpServers.get(namespace, name),
      child: (apiVersion, kind, namespace, name) => this.children.get(kindKey(apiVersion, kind))?.get(namespace, name),
      ownedBy: (apiVersion, kind, namespace, ownerUid) => (this.children.get(kindKey(apiVersion, kind))?.byIndex(ownerUid) ?? []).filter((o) => o.metadata?.namespace === namespace),
      referenced: (namespace, kind, name) => {
        const informer = referenceInformers.get(kind);
        return informer?.hasSynced() ? (informer.get(namespace, name) ?? null) : undefined;
      },
    };
    const reconciler = new McpServerReconciler({
      client: this.client,
      applier,
      handoffApplier,
      cache,
      verifier: this.verifier,
      events: new EventRecorder({ client: this.client, component: FIELD_MANAGER, instance: this.identity, canWrite }),
      // The chart runs the operator in the Lease's namespace; NetworkPolicies let it verify servers.
      settings: {
        serversImage: { repository: opts.config.serversImageRepository, tag: opts.config.serversImageTag },
        clusterDomain: 'cluster.local',
        operatorNamespace: opts.config.leaseNamespace,
        telemetry: { otlpEndpoint: opts.config.telemetryOtlpEndpoint, samplingRatio: opts.config.telemetrySamplingRatio },
      },
      optionalApis: () => this.optionalApis(),
      referenceIndex,
      onReadyState: (key, state) => this.recordReadyState(key, state),
      onToolSurfaceDrift: (key, drifted) => this.recordSurfaceDrift(key, drifted),
      // The EKS client (and the AWS SDK) is created on the first pod-identity McpServer.
      podIdentity: {
        associations: new PodIdentityAssociations({ api: () => createEksPodIdentityApi({ region: opts.config.awsRegion, endpoint: opts.config.eksEndpoint }) }),
        defaultClusterName: opts.config.eksClusterName,
        provider: opts.config.podIdentityProvider,
      },
    });
    this.controller = new Controller({
      name: 'mcpserver',
      queue: this.queue,
      workers: opts.config.workers,
      reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
      logger: this.logger,
      metrics: this.metrics,
    });
  }

  /** The URL of the probe server (/healthz, /readyz) once started. */
  get healthUrl(): string | undefined {
    return this.health?.url;
  }

  /** The URL of the metrics server (/metrics) once started. */
  get metricsUrl(): string | undefined {
    return this.metricsEndpoint?.url;
  }

  isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    const probes = this.config.healthProbeBindAddress;
    if (probes) {
      this.health = await startHealthServer({
        ...probes,
        readiness: Object.fromEntries(this.informers.map((i) => [`informer:${i.name}`, () => i.hasSynced()])),
        logger: this.logger,
      });
    }
    const metricsAddress = this.config.metricsBindAddress;
    if (metricsAddress) {
      const secure = this.config.metricsSecure;
      const cert = secure ? await loadServingCert(this.config.metricsCertPath, [os.hostname()]) : undefined;
      this.metricsEndpoint = await startMetricsServer({
        ...metricsAddress,
        registry: this.metrics.registry,
        ...(cert ? { tls: cert, authorizer: new MetricsAuthorizer({ client: this.client }) } : {}),
        logger: this.logger,
      });
    }
    for (const informer of this.informers) informer.start();
    this.started = true;
    if (!this.config.leaderElect) {
      this.startLeading();
      return;
    }
    this.elector = new LeaderElector({
      client: this.client,
      namespace: this.config.leaseNamespace,
      name: this.config.leaseName,
      identity: this.identity,
      leaseDurationMs: this.config.leaseDurationMs,
      renewDeadlineMs: this.config.renewDeadlineMs,
      retryPeriodMs: this.config.retryPeriodMs,
      onStartedLeading: () => this.startLeading(),
      onStoppedLeading: () => this.stopLeading(),
      logger: this.logger,
      metrics: this.metrics,
    });
    this.elector.start();
  }

  /** Graceful shutdown: stop reconciling, release the lease, stop watches and the health server. */
  async stop(): Promise<void> {
    this.leading = false;
    // A reconcile still finishing must not start an informer for a newly discovered API now.
    this.started = false;
    await this.controller.stop();
    await this.elector?.stop();
    this.verifier.stop();
    this.queue.shutDown();
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.health?.close();
    await this.metricsEndpoint?.close();
  }

  private startLeading(): void {
    this.leading = true;
    this.logger.info('leading: reconciling every McpServer', { identity: this.identity });
    // Everything is reconciled when leadership starts: keys seen as a standby were not acted on.
    for (const obj of this.mcpServers.list()) this.queue.add(objectKey(obj));
    this.controller.start();
  }

  private stopLeading(): void {
    this.leading = false;
    this.logger.warn('lost leadership: stopped reconciling', { identity: this.identity });
    void this.controller.stop();
  }

  /**
   * Which optional APIs the cluster serves. Discovery is cached by the resolver (a miss is
   * re-checked at most every 30 s), so calling this on every reconcile costs no request in the
   * steady state; an API found for the first time gets its informer here.
   */
  async optionalApis(): Promise<OptionalApis> {
    const apis: OptionalApis = { keda: false, serviceMonitor: false, prometheusRule: false, ackPodIdentity: false };
    for (const kind of OWNED_KINDS) {
      if (!kind.optional) continue;
      const served = await this.resources.has(kind.apiVersion, kind.kind);
      apis[kind.optional] = served;
      const key = kindKey(kind.apiVersion, kind.kind);
      if (served && !this.children.has(key)) {
        const informer = this.createChildInformer(kind);
        this.children.set(key, informer);
        this.informers.push(informer);
        if (this.started) informer.start();
        this.logger.info('optional API discovered; watching it', { apiVersion: kind.apiVersion, kind: kind.kind });
      }
    }
    return apis;
  }

  private recordSurfaceDrift(key: string, drifted: number): void {
    const { namespace, name } = parseKey(key);
    const labels = { mcpserver_namespace: namespace ?? '', mcpserver: name };
    // Only drifting servers get a series; a resolved drift removes it.
    if (drifted > 0) this.metrics.toolSurfaceDrift.set(labels, drifted);
    else this.metrics.toolSurfaceDrift.remove(labels);
  }

  /** Keeps the per-state counts as it goes: recounting every server on each reconcile is O(N) per reconcile. */
  private recordReadyState(key: string, state: ReadyState | undefined): void {
    const before = this.readyStates.get(key);
    if (before === state) return;
    if (before) this.readyCounts[before]--;
    if (state) {
      this.readyStates.set(key, state);
      this.readyCounts[state]++;
    } else {
      this.readyStates.delete(key);
    }
    this.metrics.setMcpServersByReady(this.readyCounts);
  }
}


