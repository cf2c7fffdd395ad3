// Prometheus metrics with the names the operator's PrometheusRule relies on (keep them exact).
// Each kit instance owns its registry, so several servers in one test process never collide.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ToolOutcome = 'success' | 'tool_error' | 'error' | 'cached';

export interface KitMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'path' | 'status'>;
  httpDuration: Histogram<'method' | 'path' | 'status'>;
  toolCalls: Counter<'tool' | 'outcome'>;
  toolDuration: Histogram<'tool' | 'outcome'>;
  cacheHits: Counter<'tool'>;
  cacheMisses: Counter<'tool'>;
  rateLimited: Counter;
}

// prom-client names three gauges nodejs_active_*_total; promtool refuses a `_total` gauge, and
// nodejs_active_handles/requests/resources (by type) already carry those numbers.
const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function createKitMetrics(options: { defaultMetrics?: boolean } = {}): KitMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
  }
  const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    httpRequests: new Counter({
      name: 'mcp_http_requests_total',
      help: 'HTTP requests served, by method, route and status',
      labelNames: ['method', 'path', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'mcp_http_request_duration_seconds',
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'path', 'status'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: 'mcp_tool_calls_total',
      help: 'Tool calls by tool and outcome (success, tool_error, error, cached)',
      labelNames: ['tool', 'outcome'],
      registers: [registry],
    }),
    toolDuration: new Histogram({
      name: 'mcp_tool_call_duration_seconds',
      help: 'Tool call duration in seconds',
      labelNames: ['tool', 'outcome'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    cacheHits: new Counter({
      name: 'mcp_cache_hits_total',
      help: 'Tool-result cache hits',
      labelNames: ['tool'],
      registers: [registry],
    }),
    cacheMisses: new Counter({
      name: 'mcp_cache_misses_total',
      help: 'Tool-result cache misses',
      labelNames: ['tool'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'mcp_rate_limited_total',
      help: 'Requests refused by the rate limiter (429)',
      registers: [registry],
    }),
  };
}
