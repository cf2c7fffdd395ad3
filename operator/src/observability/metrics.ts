// The operator's Prometheus metrics. One Registry per operator instance (never prom-client's
// global one) so tests can run several operators in one process without name clashes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ReconcileResult = 'success' | 'requeue' | 'error' | 'not_leader';
export type ReadyState = 'True' | 'False' | 'Unknown';
export type InformerRestartReason = 'error' | 'stall' | 'expired' | 'closed';

export interface OperatorMetrics {
  readonly registry: Registry;
  /** Reconciles finished, per controller and result. */
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  /** Reconciles that threw (result=error), per controller. */
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller' | 'result'>;
  /** Keys waiting in the queue (not counting delayed or in-flight keys). */
  readonly queueDepth: Gauge<'name'>;
  readonly queueAdds: Counter<'name'>;
  readonly queueRetries: Counter<'name'>;
  /** Time a key waited in the queue before a worker picked it up (queue latency). */
  readonly queueWait: Histogram<'name'>;
  readonly queueInFlight: Gauge<'name'>;
  readonly informerRestarts: Counter<'informer' | 'reason'>;
  readonly informerEvents: Counter<'informer' | 'type'>;
  readonly informerSynced: Gauge<'informer'>;
  /** 1 while this replica holds the lease, else 0. */
  readonly leaderStatus: Gauge<'lease'>;
  /** Times this replica stopped leading without being asked to (renew deadline missed). */
  readonly leaderLost: Counter<'lease'>;
  /** McpServers by their Ready condition; set by the reconciler. */
  readonly mcpServersByReady: Gauge<'ready'>;
  /** Sets the three Ready-state series at once (missing states become 0). */
  setMcpServersByReady(counts: Partial<Record<ReadyState, number>>): void;
  /** Tools added, removed or changed since a pinned surface was approved, per McpServer. */
  readonly toolSurfaceDrift: Gauge<'mcpserver_namespace' | 'mcpserver'>;
}

export const METRIC_NAMES = {
  reconcileTotal: 'mcpfleet_reconcile_total',
  reconcileErrors: 'mcpfleet_reconcile_errors_total',
  reconcileDuration: 'mcpfleet_reconcile_duration_seconds',
  queueDepth: 'mcpfleet_workqueue_depth',
  queueAdds: 'mcpfleet_workqueue_adds_total',
  queueRetries: 'mcpfleet_workqueue_retries_total',
  queueWait: 'mcpfleet_workqueue_queue_duration_seconds',
  queueInFlight: 'mcpfleet_workqueue_in_flight',
  informerRestarts: 'mcpfleet_informer_restarts_total',
  informerEvents: 'mcpfleet_informer_events_total',
  informerSynced: 'mcpfleet_informer_synced',
  leaderStatus: 'mcpfleet_leader_election_status',
  leaderLost: 'mcpfleet_leader_election_lost_total',
  mcpServersByReady: 'mcpfleet_mcpservers',
  toolSurfaceDrift: 'mcpfleet_tool_surface_drift',
} as const;

/**
 * prom-client's default process and Node.js metrics, minus the three gauges it names
 * nodejs_active_*_total: a `_total` suffix promises a counter, so `promtool check metrics`
 * (and Prometheus's OpenMetrics parser) reject them. nodejs_active_handles/requests/resources
 * (by type) carry the same numbers.
 */
export function collectPortableDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): OperatorMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectPortableDefaultMetrics(registry);
  const registers = [registry];
  const mcpServersByReady = new Gauge({ name: METRIC_NAMES.mcpServersByReady, help: 'McpServer objects by the status of their Ready condition.', labelNames: ['ready'] as const, registers });
  return {
    registry,
    reconcileTotal: new Counter({ name: METRIC_NAMES.reconcileTotal, help: 'Reconciles finished, by controller and result.', labelNames: ['controller', 'result'] as const, registers }),
    reconcileErrors: new Counter({ name: METRIC_NAMES.reconcileErrors, help: 'Reconciles that failed with an error and were requeued with backoff.', labelNames: ['controller'] as const, registers }),
    reconcileDuration: new Histogram({ name: METRIC_NAMES.reconcileDuration, help: 'Duration of one reconcile, by controller and result.', labelNames: ['controller', 'result'] as const, buckets: LATENCY_BUCKETS, registers }),
    queueDepth: new Gauge({ name: METRIC_NAMES.queueDepth, help: 'Keys waiting in the work queue.', labelNames: ['name'] as const, registers }),
    queueAdds: new Counter({ name: METRIC_NAMES.queueAdds, help: 'Keys added to the work queue (after de-duplication).', labelNames: ['name'] as const, registers }),
    queueRetries: new Counter({ name: METRIC_NAMES.queueRetries, help: 'Keys re-added to the work queue with rate-limited backoff.', labelNames: ['name'] as const, registers }),
    queueWait: new Histogram({ name: METRIC_NAMES.queueWait, help: 'Seconds a key waited in the work queue before being processed.', labelNames: ['name'] as const, buckets: LATENCY_BUCKETS, registers }),
    queueInFlight: new Gauge({ name: METRIC_NAMES.queueInFlight, help: 'Keys being processed by a worker.', labelNames: ['name'] as const, registers }),
    informerRestarts: new Counter({ name: METRIC_NAMES.informerRestarts, help: 'Informer list/watch restarts, by reason (error, stall, expired, closed).', labelNames: ['informer', 'reason'] as const, registers }),
    informerEvents: new Counter({ name: METRIC_NAMES.informerEvents, help: 'Watch events received, by type.', labelNames: ['informer', 'type'] as const, registers }),
    informerSynced: new Gauge({ name: METRIC_NAMES.informerSynced, help: '1 once the informer completed its initial list.', labelNames: ['informer'] as const, registers }),
    leaderStatus: new Gauge({ name: METRIC_NAMES.leaderStatus, help: '1 while this replica holds the leader lease, else 0.', labelNames: ['lease'] as const, registers }),
    leaderLost: new Counter({ name: METRIC_NAMES.leaderLost, help: 'Times this replica lost the leader lease (could not renew it within the renew deadline).', labelNames: ['lease'] as const, registers }),
    mcpServersByReady,
    // Not "namespace": scrapes add the operator pod's own namespace label under that name.
    toolSurfaceDrift: new Gauge({ name: METRIC_NAMES.toolSurfaceDrift, help: 'Tools added, removed or changed since the pinned tool surface of an McpServer was approved.', labelNames: ['mcpserver_namespace', 'mcpserver'] as const, registers }),
    setMcpServersByReady(counts) {
      for (const state of ['True', 'False', 'Unknown'] as const) mcpServersByReady.set({ ready: state }, counts[state] ?? 0);
    },
  };
}
