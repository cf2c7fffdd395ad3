// The kit's tool metrics, reduced to what the console charts: cumulative counters read from one
// or more /metrics scrapes, and the per-interval point computed from two readings. Pure.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { MetricsPoint } from '../api-types.ts';

export const TOOL_CALLS = 'mcp_tool_calls_total';
export const TOOL_DURATION = 'mcp_tool_call_duration_seconds';
/** Outcomes the kit counts as failures (a cached answer is a success). */
export const ERROR_OUTCOMES = new Set(['error', 'tool_error']);

export interface ToolCounters {
  /** Calls by tool. */
  calls: Record<string, number>;
  errors: number;
  /** Cumulative duration histogram over every tool: upper bound → count. */
  buckets: Map<number, number>;
}

export function emptyCounters(): ToolCounters {
  return { calls: {}, errors: 0, buckets: new Map() };
}

function finite(text: string | undefined): number {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}

/** Adds one scrape (one replica's /metrics text) into `into`; other families are ignored. */
export function addScrape(into: ToolCounters, text: string): ToolCounters {
  for (const family of parsePrometheusTextFormat(text)) {
    if (family.name === TOOL_CALLS) {
      for (const metric of family.metrics) {
        const tool = metric.labels?.tool ?? 'unknown';
        const value = finite(metric.value);
        into.calls[tool] = (into.calls[tool] ?? 0) + value;
        if (ERROR_OUTCOMES.has(metric.labels?.outcome ?? '')) into.errors += value;
      }
    } else if (family.name === TOOL_DURATION) {
      for (const metric of family.metrics) {
        for (const [le, count] of Object.entries(metric.buckets ?? {})) {
          const bound = le === '+Inf' ? Infinity : Number(le);
          if (!Number.isNaN(bound)) into.buckets.set(bound, (into.buckets.get(bound) ?? 0) + finite(count));
        }
      }
    }
  }
  return into;
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside the bucket like
 * PromQL's histogram_quantile; undefined with no observations.
 */
export function histogramQuantile(q: number, cumulative: Map<number, number>): number | undefined {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = bounds.length ? (cumulative.get(bounds[bounds.length - 1]!) ?? 0) : 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = cumulative.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Infinity) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/**
 * The point for the interval between two readings. A counter that went down means a replica
 * restarted: that interval counts the new value from zero, as PromQL's rate() does.
 */
export function pointBetween(before: ToolCounters, after: ToolCounters, seconds: number, at: number): MetricsPoint {
  const delta = (a: number, b: number) => (b >= a ? b - a : b);
  const callsPerTool: Record<string, number> = {};
  let calls = 0;
  for (const [tool, value] of Object.entries(after.calls)) {
    const d = delta(before.calls[tool] ?? 0, value);
    calls += d;
    callsPerTool[tool] = seconds > 0 ? d / seconds : 0;
  }
  const errors = delta(before.errors, after.errors);
  const buckets = new Map<number, number>();
  for (const [bound, value] of after.buckets) buckets.set(bound, delta(before.buckets.get(bound) ?? 0, value));
  const p99 = histogramQuantile(0.99, buckets);
  return { at, callsPerTool, errorRate: calls > 0 ? Math.min(errors / calls, 1) : 0, ...(p99 !== undefined ? { p99Seconds: p99 } : {}) };
}
