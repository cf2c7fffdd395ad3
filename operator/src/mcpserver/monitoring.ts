// Prometheus Operator objects (monitoring.coreos.com/v1) for spec.monitoring: a ServiceMonitor
// scraping the kit's /metrics through the Service, and a PrometheusRule with the alerts the
// hand-built systems had as CloudWatch alarms (5xx rate, p99 latency above 2 s, tool errors),
// written against the kit's metric names (servers/kit/metrics.ts), plus per-tool SLO alerts for
// every tool the last MCP verification saw (status.tools).
import { HEALTH_PATHS } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { KubeObject } from '../kube/types.ts';
import { childMetadata } from './labels.ts';
import { MCP_PORT_NAME } from './service.ts';

export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

export interface ServiceMonitor extends KubeObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: { port: string; path: string; scheme: 'http'; interval?: string }[];
  };
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PrometheusRule extends KubeObject {
  spec: { groups: { name: string; rules: AlertRule[] }[] };
}

/** Thresholds of the generated alerts. */
export const ALERT_THRESHOLDS = { errorRatio5xx: 0.05, p99Seconds: 2, toolErrorRatio: 0.1 } as const;

type Monitoring = NonNullable<McpServer['spec']['monitoring']>;

/** A sub-object left out of spec.monitoring counts as enabled: `monitoring: {}` turns both on. */
function wants(monitoring: Monitoring | undefined, part: 'serviceMonitor' | 'prometheusRule'): boolean {
  if (!monitoring) return false;
  return monitoring[part]?.enabled ?? true;
}

export function wantsServiceMonitor(server: McpServer): boolean {
  return wants(server.spec.monitoring, 'serviceMonitor');
}

export function wantsPrometheusRule(server: McpServer): boolean {
  return wants(server.spec.monitoring, 'prometheusRule');
}

function metadataWith(server: McpServer, extraLabels: Record<string, string> | undefined) {
  const meta = childMetadata(server);
  return { ...meta, labels: { ...(extraLabels ?? {}), ...meta.labels } };
}

export function buildServiceMonitor(server: McpServer): ServiceMonitor | undefined {
  if (!wantsServiceMonitor(server)) return undefined;
  const sm = server.spec.monitoring?.serviceMonitor;
  const meta = childMetadata(server);
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: 'ServiceMonitor',
    metadata: metadataWith(server, sm?.labels),
    spec: {
      // The Service carries the same labels as every child; instance+component pick this one.
      selector: { matchLabels: { 'app.kubernetes.io/instance': meta.labels['app.kubernetes.io/instance']!, 'app.kubernetes.io/component': meta.labels['app.kubernetes.io/component']! } },
      namespaceSelector: { matchNames: [server.metadata.namespace!] },
      endpoints: [{ port: MCP_PORT_NAME, path: HEALTH_PATHS.metrics, scheme: 'http', ...(sm?.interval ? { interval: sm.interval } : {}) }],
    },
  };
}

/** PromQL label matchers of one server's series (Prometheus Operator adds namespace and service). */
function matchers(server: McpServer, extra = ''): string {
  return `namespace="${server.metadata.namespace!}",service="${server.metadata.name!}"${extra ? `,${extra}` : ''}`;
}

/** The three alerts; exported for promtool checks in tests. */
export function alertRules(server: McpServer): AlertRule[] {
  const name = server.metadata.name!;
  const ns = server.metadata.namespace!;
  const labels = { severity: 'warning', namespace: ns, mcpserver: name };
  const m = (extra = '') => matchers(server, extra);
  return [
    {
      alert: 'McpServerHighErrorRate',
      expr: `sum(rate(mcp_http_requests_total{${m('status=~"5.."')}}[5m])) / sum(rate(mcp_http_requests_total{${m()}}[5m])) > ${ALERT_THRESHOLDS.errorRatio5xx}`,
      for: '5m',
      labels,
      annotations: {
        summary: `McpServer ${ns}/${name} answers more than ${ALERT_THRESHOLDS.errorRatio5xx * 100}% of requests with 5xx`,
        description: 'Share of HTTP responses with a 5xx status over 5 minutes: {{ $value | humanizePercentage }}.',
      },
    },
    {
      alert: 'McpServerHighLatency',
      expr: `histogram_quantile(0.99, sum by (le) (rate(mcp_http_request_duration_seconds_bucket{${m()}}[5m]))) > ${ALERT_THRESHOLDS.p99Seconds}`,
      for: '10m',
      labels,
      annotations: {
        summary: `McpServer ${ns}/${name} p99 latency is above ${ALERT_THRESHOLDS.p99Seconds}s`,
        description: '99th percentile HTTP request duration over 5 minutes: {{ $value | humanizeDuration }}.',
      },
    },
    {
      alert: 'McpServerToolErrors',
      expr: `sum(rate(mcp_tool_calls_total{${m('outcome=~"error|tool_error"')}}[5m])) / sum(rate(mcp_tool_calls_total{${m()}}[5m])) > ${ALERT_THRESHOLDS.toolErrorRatio}`,
      for: '10m',
      labels,
      annotations: {
        summary: `McpServer ${ns}/${name} fails more than ${ALERT_THRESHOLDS.toolErrorRatio * 100}% of tool calls`,
        description: 'Share of tool calls ending in error or tool_error over 5 minutes: {{ $value | humanizePercentage }}.',
      },
    },
  ];
}

/** Defaults of spec.monitoring.prometheusRule.toolSlo. */
export const TOOL_SLO_DEFAULTS = { errorRatio: 0.1, p99Seconds: 5 } as const;

/** A PromQL string literal (tool names come from the server and may hold quotes or backslashes). */
function promString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Per-tool error-ratio and p99-latency alerts for every tool the last verification saw (the names
 * clients see, which is what the kit and the proxy label tool metrics with). Annotations name the
 * tool through $labels, so a tool name is never parsed as a template.
 */
export function toolSloRules(server: McpServer): AlertRule[] {
  const slo = server.spec.monitoring?.prometheusRule?.toolSlo;
  if (slo?.enabled === false) return [];
  const tools = server.status?.tools ?? [];
  const name = server.metadata.name!;
  const ns = server.metadata.namespace!;
  return tools.flatMap((tool) => {
    const own = slo?.tools && Object.hasOwn(slo.tools, tool.name) ? slo.tools[tool.name] : undefined;
    const errorRatio = own?.errorRatio ?? slo?.errorRatio ?? TOOL_SLO_DEFAULTS.errorRatio;
    const p99Seconds = own?.p99Seconds ?? slo?.p99Seconds ?? TOOL_SLO_DEFAULTS.p99Seconds;
    const sel = (extra = '') => matchers(server, `tool=${promString(tool.name)}${extra ? `,${extra}` : ''}`);
    const labels = { severity: 'warning', namespace: ns, mcpserver: name, tool: tool.name };
    return [
      {
        alert: 'McpToolHighErrorRate',
        // by (tool): the label survives the aggregation, so annotations can name it through $labels.
        expr: `sum by (tool) (rate(mcp_tool_calls_total{${sel('outcome=~"error|tool_error"')}}[5m])) / sum by (tool) (rate(mcp_tool_calls_total{${sel()}}[5m])) > ${errorRatio}`,
        for: '10m',
        labels,
        annotations: {
          summary: `Tool {{ $labels.tool }} of McpServer ${ns}/${name} fails more than ${errorRatio * 100}% of calls`,
          description: 'Share of calls ending in error or tool_error over 5 minutes: {{ $value | humanizePercentage }}.',
        },
      },
      {
        alert: 'McpToolHighLatency',
        expr: `histogram_quantile(0.99, sum by (le, tool) (rate(mcp_tool_call_duration_seconds_bucket{${sel()}}[5m]))) > ${p99Seconds}`,
        for: '10m',
        labels,
        annotations: {
          summary: `Tool {{ $labels.tool }} of McpServer ${ns}/${name} p99 latency is above ${p99Seconds}s`,
          description: '99th percentile call duration over 5 minutes: {{ $value | humanizeDuration }}.',
        },
      },
    ];
  });
}

/** spec.tools.pinning.mode alert: an alert while the operator reports drift of the pinned surface. */
export function surfaceDriftRules(server: McpServer): AlertRule[] {
  if (server.spec.tools?.pinning?.mode !== 'alert') return [];
  const name = server.metadata.name!;
  const ns = server.metadata.namespace!;
  return [
    {
      alert: 'McpServerToolSurfaceChanged',
      // The operator exports the metric; its scrape labels differ from the server's, so match by the McpServer labels.
      expr: `max(mcpfleet_tool_surface_drift{mcpserver_namespace=${promString(ns)},mcpserver=${promString(name)}}) > 0`,
      for: '0m',
      labels: { severity: 'warning', namespace: ns, mcpserver: name },
      annotations: {
        summary: `The tool surface of McpServer ${ns}/${name} changed since it was approved`,
        description: '{{ $value }} tools were added, removed or changed; see the Degraded condition for which, and approve them in spec.tools.pinning.approved.',
      },
    },
  ];
}

export function buildPrometheusRule(server: McpServer): PrometheusRule | undefined {
  if (!wantsPrometheusRule(server)) return undefined;
  const group = `mcpfleet.${server.metadata.namespace!}.${server.metadata.name!}`;
  const perTool = [...surfaceDriftRules(server), ...toolSloRules(server)];
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: 'PrometheusRule',
    metadata: metadataWith(server, server.spec.monitoring?.prometheusRule?.labels),
    spec: { groups: [{ name: group, rules: alertRules(server) }, ...(perTool.length > 0 ? [{ name: `${group}.tools`, rules: perTool }] : [])] },
  };
}
