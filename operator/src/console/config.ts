// `npm run console` flags, validated at once so a bad value is reported with its flag.
import { parseArgs } from 'node:util';
import { parseDurationMs } from '../config/duration.ts';
import type { ViewerHeaders, ViewerMode } from './viewer.ts';

export interface ConsoleConfig {
  kubeconfig: string | undefined;
  context: string | undefined;
  /** Only this namespace; undefined: every namespace. */
  namespace: string | undefined;
  host: string;
  port: number;
  /** Host header values accepted besides loopback names (DNS-rebinding protection). */
  allowedHosts: string[];
  mode: ViewerMode;
  viewerHeaders: ViewerHeaders | undefined;
  mcpTimeoutMs: number;
  metricsIntervalMs: number;
  /** The built frontend; default dist/console in the repository. */
  staticDir: string | undefined;
  /** Charts from this Prometheus instead of the servers' /metrics. */
  prometheusUrl: string | undefined;
  prometheusRateWindow: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export const CONSOLE_HELP = `npm run console -- [flags]

  --kubeconfig FILE        kubeconfig (default: in-cluster, else $KUBECONFIG or ~/.kube/config)
  --context NAME           kubeconfig context
  --namespace NAME         show only this namespace (default: every namespace you may list)
  --host ADDRESS           listen address (default 127.0.0.1: loopback only)
  --port N                 listen port (default 8090; 0 picks a free one)
  --allowed-host NAME      accept this Host header too (repeatable; loopback is always accepted)
  --user-header NAME       trust this header for the viewer's user name (behind an authenticating proxy only)
  --groups-header NAME     trust this header for the viewer's groups (comma-separated)
  --mcp-timeout DURATION   timeout of one MCP request to a server (default 15s)
  --metrics-interval DUR   how often a watched server's /metrics is sampled (default 5s)
  --prometheus-url URL     chart from this Prometheus (series labelled namespace and service, as the
                           Prometheus Operator does) instead of sampling the servers' /metrics
  --prometheus-rate-window DUR  rate() window of those queries (default 2m)
  --static-dir DIR         the built frontend (default dist/console)
  --log-level LEVEL        error, warn, info or debug (default info)
`;

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

export class ConsoleConfigError extends Error {}

export function parseConsoleConfig(argv: readonly string[], env: Record<string, string | undefined>): ConsoleConfig {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8090' },
      'allowed-host': { type: 'string', multiple: true, default: [] },
      'user-header': { type: 'string' },
      'groups-header': { type: 'string' },
      'mcp-timeout': { type: 'string', default: '15s' },
      'metrics-interval': { type: 'string', default: '5s' },
      'static-dir': { type: 'string' },
      'prometheus-url': { type: 'string' },
      'prometheus-rate-window': { type: 'string', default: '2m' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const issues: string[] = [];
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) issues.push(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  const mcpTimeoutMs = parseDurationMs(values['mcp-timeout']) ?? 0;
  if (mcpTimeoutMs < 100) issues.push('--mcp-timeout must be a duration of at least 100ms, such as 15s');
  const metricsIntervalMs = parseDurationMs(values['metrics-interval']) ?? 0;
  if (metricsIntervalMs < 500) issues.push('--metrics-interval must be a duration of at least 500ms, such as 5s');
  for (const flag of ['user-header', 'groups-header'] as const) {
    const value = values[flag];
    if (value !== undefined && !HEADER_NAME.test(value)) issues.push(`--${flag} must be an HTTP header name, got ${JSON.stringify(value)}`);
  }
  if (values['groups-header'] && !values['user-header']) issues.push('--groups-header needs --user-header');
  const promUrl = values['prometheus-url'];
  if (promUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(promUrl)) issues.push(`--prometheus-url must be an http(s) URL, got ${JSON.stringify(promUrl)}`);
  if (!/^\d+(ms|s|m|h)$/.test(values['prometheus-rate-window'])) issues.push('--prometheus-rate-window must be a PromQL duration such as 30s or 2m');
  const logLevel = values['log-level'] as ConsoleConfig['logLevel'];
  if (!LEVELS.includes(logLevel)) issues.push(`--log-level must be one of ${LEVELS.join(', ')}`);
  if (issues.length > 0) throw new ConsoleConfigError(`invalid console flags:\n${issues.map((i) => `  - ${i}`).join('\n')}`);

  const inCluster = values.kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined;
  const mode: ViewerMode = values['user-header'] ? 'proxy' : inCluster ? 'service-account' : 'kubeconfig';
  return {
    kubeconfig: values.kubeconfig,
    context: values.context,
    namespace: values.namespace,
    host: values.host,
    port,
    allowedHosts: values['allowed-host'],
    mode,
    viewerHeaders: values['user-header'] ? { user: values['user-header'], ...(values['groups-header'] ? { groups: values['groups-header'] } : {}) } : undefined,
    mcpTimeoutMs,
    metricsIntervalMs,
    staticDir: values['static-dir'],
    prometheusUrl: promUrl,
    prometheusRateWindow: values['prometheus-rate-window'],
    logLevel,
  };
}
