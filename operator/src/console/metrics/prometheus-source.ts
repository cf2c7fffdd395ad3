// Points from the cluster's Prometheus (--prometheus-url): the same three figures as PromQL over
// the series the Prometheus Operator labels with the server's namespace and Service name, the
// recent past from query_range, then one instant query set per interval.
import type { MetricsPoint } from '../api-types.ts';
import type { PointSource } from './watcher.ts';

export interface PrometheusSourceOptions {
  url: string;
  /** rate() window, e.g. "2m": at least four scrape intervals of the ServiceMonitor. */
  rateWindow: string;
  /** How far back the history goes, in seconds, and its step. */
  backfillSeconds: number;
  stepSeconds: number;
  timeoutMs: number;
  now?: () => number;
}

interface Sample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** The PromQL of the three charts for one server. */
export function promQueries(namespace: string, name: string, rateWindow: string): { calls: string; errorRate: string; p99: string } {
  const sel = `namespace="${labelValue(namespace)}",service="${labelValue(name)}"`;
  const calls = `sum(rate(mcp_tool_calls_total{${sel}}[${rateWindow}]))`;
  return {
    calls: `sum by (tool) (rate(mcp_tool_calls_total{${sel}}[${rateWindow}]))`,
    errorRate: `(sum(rate(mcp_tool_calls_total{${sel},outcome=~"error|tool_error"}[${rateWindow}])) or vector(0)) / ${calls}`,
    p99: `histogram_quantile(0.99, sum by (le) (rate(mcp_tool_call_duration_seconds_bucket{${sel}}[${rateWindow}])))`,
  };
}

function finite(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Assembles points from the three answers, keyed by timestamp (seconds). */
export function pointsFrom(calls: Sample[], errorRate: Sample[], p99: Sample[]): MetricsPoint[] {
  const byTime = new Map<number, MetricsPoint>();
  const at = (t: number) => {
    let point = byTime.get(t);
    if (!point) byTime.set(t, (point = { at: Math.round(t * 1000), callsPerTool: {}, errorRate: 0 }));
    return point;
  };
  const each = (samples: Sample[], use: (point: MetricsPoint, value: number, metric: Record<string, string>) => void) => {
    for (const sample of samples) {
      for (const [t, text] of sample.values ?? (sample.value ? [sample.value] : [])) {
        const value = finite(text);
        if (value !== undefined) use(at(t), value, sample.metric);
      }
    }
  };
  each(calls, (p, v, m) => (p.callsPerTool[m.tool ?? 'unknown'] = v));
  each(errorRate, (p, v) => (p.errorRate = Math.min(Math.max(v, 0), 1)));
  each(p99, (p, v) => (p.p99Seconds = v));
  return [...byTime.values()].sort((a, b) => a.at - b.at);
}

export function prometheusSource(opts: PrometheusSourceOptions): PointSource {
  const now = opts.now ?? Date.now;
  const base = opts.url.replace(/\/+$/, '');
  async function query(path: 'query' | 'query_range', params: Record<string, string>): Promise<Sample[]> {
    const response = await fetch(`${base}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as { status?: string; error?: string; data?: { resultType?: string; result?: Sample[] } };
    if (!response.ok || body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? `HTTP ${response.status}`}`);
    return body.data?.resultType === 'vector' || body.data?.resultType === 'matrix' ? (body.data.result ?? []) : [];
  }
  const split = (key: string) => {
    const slash = key.indexOf('/');
    return promQueries(key.slice(0, slash), key.slice(slash + 1), opts.rateWindow);
  };
  return {
    async sample(key) {
      const q = split(key);
      const time = String(now() / 1000);
      const [calls, errorRate, p99] = await Promise.all([query('query', { query: q.calls, time }), query('query', { query: q.errorRate, time }), query('query', { query: q.p99, time })]);
      return pointsFrom(calls, errorRate, p99)[0] ?? { at: now(), callsPerTool: {}, errorRate: 0 };
    },
    async backfill(key) {
      const q = split(key);
      const end = now() / 1000;
      const range = { start: String(end - opts.backfillSeconds), end: String(end), step: String(opts.stepSeconds) };
      const [calls, errorRate, p99] = await Promise.all([query('query_range', { query: q.calls, ...range }), query('query_range', { query: q.errorRate, ...range }), query('query_range', { query: q.p99, ...range })]);
      return pointsFrom(calls, errorRate, p99);
    },
  };
}
