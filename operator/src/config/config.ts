// Operator configuration from command-line flags and environment variables (flag wins over
// env, env over default), validated with zod. Every bad value is reported at once, each with
// the flag and variable that set it, so a broken Deployment fails with one clear message.
import { z } from 'zod';
import { formatDurationMs, parseDurationMs } from './duration.ts';
import { parseBindAddress, type BindAddress } from '../observability/bind-address.ts';
import { POD_IDENTITY_PROVIDERS, type PodIdentityProviderSetting } from '../mcpserver/identity/ack.ts';

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
const LOG_FORMATS = ['json', 'console'] as const;

function duration(opts: { min?: number; allowZero?: boolean } = {}) {
  return z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 500ms, 15s, 2m or 1h' });
      return z.NEVER;
    }
    if (ms === 0 && opts.allowZero) return 0;
    if (ms === 0 || (opts.min !== undefined && ms < opts.min)) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${formatDurationMs(opts.min ?? 1)}${opts.allowZero ? ' (or 0 to disable)' : ''}` });
      return z.NEVER;
    }
    return ms;
  });
}

function integer(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const trimmed = text.trim();
    const n = Number(trimmed);
    if (!/^-?\d+$/.test(trimmed) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

function positiveNumber() {
  return z.string().transform((text, ctx) => {
    const n = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a number greater than 0' });
      return z.NEVER;
    }
    return n;
  });
}

function ratio() {
  return z.string().transform((text, ctx) => {
    const n = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      ctx.addIssue({ code: 'custom', message: 'must be a number from 0 to 1' });
      return z.NEVER;
    }
    return n;
  });
}

function boolean() {
  return z.string().transform((text, ctx) => {
    const v = text.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    ctx.addIssue({ code: 'custom', message: 'must be true or false' });
    return z.NEVER;
  });
}

const text = (opts: { allowEmpty?: boolean } = {}) =>
  z.string().transform((value, ctx) => {
    if (!opts.allowEmpty && value.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'must not be empty' });
      return z.NEVER;
    }
    return value.trim();
  });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsName = (what: string, opts: { allowEmpty?: boolean } = {}) =>
  z.string().transform((value, ctx) => {
    const v = value.trim();
    if (v === '' && opts.allowEmpty) return '';
    if (v.length > 63 || !DNS_LABEL.test(v)) {
      ctx.addIssue({ code: 'custom', message: `must be a valid ${what} (lowercase letters, digits and '-', at most 63 characters)` });
      return z.NEVER;
    }
    return v;
  });

// EKS cluster names: 1-100 characters, a letter or digit first (EKS CreateCluster rules).
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const eksClusterName = () =>
  z.string().transform((value, ctx) => {
    const v = value.trim();
    if (!EKS_CLUSTER_NAME.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'must be an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100 characters)' });
      return z.NEVER;
    }
    return v;
  });

const httpUrl = () =>
  z.string().transform((value, ctx) => {
    const v = value.trim();
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL such as https://eks.us-west-2.amazonaws.com' });
      return z.NEVER;
    }
    return v;
  });

const bindAddress = () =>
  z.string().transform((value, ctx) => {
    try {
      return parseBindAddress(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

interface OptionSpec<T> {
  flag: string;
  env: string;
  help: string;
  /** Default as the string a user would type; undefined means "unset". */
  default: string | ((env: Record<string, string | undefined>) => string | undefined) | undefined;
  schema: z.ZodType<T, string>;
  boolean?: boolean;
}

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

export const OPTIONS = {
  kubeconfig: option({ flag: 'kubeconfig', env: 'MCPFLEET_KUBECONFIG', help: 'kubeconfig file (default: in-cluster, else $KUBECONFIG or ~/.kube/config)', default: undefined, schema: text() }),
  kubeContext: option({ flag: 'context', env: 'MCPFLEET_KUBE_CONTEXT', help: 'kubeconfig context to use', default: undefined, schema: text() }),
  watchNamespace: option({ flag: 'watch-namespace', env: 'MCPFLEET_WATCH_NAMESPACE', help: 'only watch this namespace (default: all namespaces)', default: '', schema: dnsName('namespace name', { allowEmpty: true }) }),
  workers: option({ flag: 'workers', env: 'MCPFLEET_WORKERS', help: 'concurrent reconciles', default: '4', schema: integer(1, 64) }),
  metricsBindAddress: option({ flag: 'metrics-bind-address', env: 'MCPFLEET_METRICS_BIND_ADDRESS', help: 'address of the /metrics server: host:port, :port, or 0 to serve no metrics', default: ':8443', schema: bindAddress() }),
  metricsSecure: option({
    flag: 'metrics-secure',
    env: 'MCPFLEET_METRICS_SECURE',
    help: 'serve /metrics over HTTPS to scrapers whose token passes a TokenReview and a SubjectAccessReview (get /metrics); false: plain HTTP for anyone',
    default: 'true',
    schema: boolean(),
    boolean: true,
  }),
  metricsCertPath: option({ flag: 'metrics-cert-path', env: 'MCPFLEET_METRICS_CERT_PATH', help: 'directory with tls.crt and tls.key for the metrics server (default: a self-signed certificate made at start)', default: undefined, schema: text() }),
  healthProbeBindAddress: option({ flag: 'health-probe-bind-address', env: 'MCPFLEET_HEALTH_PROBE_BIND_ADDRESS', help: 'address of the /healthz /livez /readyz server: host:port, :port, or 0 to serve none', default: ':8081', schema: bindAddress() }),
  logLevel: option({ flag: 'log-level', env: 'MCPFLEET_LOG_LEVEL', help: `log level (${LOG_LEVELS.join(', ')})`, default: 'info', schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }) }),
  logFormat: option({ flag: 'log-format', env: 'MCPFLEET_LOG_FORMAT', help: `log format: json (one object a line, for collectors) or console (for people)`, default: 'json', schema: z.enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(', ')}` }) }),
  leaderElect: option({ flag: 'leader-elect', env: 'MCPFLEET_LEADER_ELECT', help: 'elect a leader through a Lease so only one replica writes', default: 'true', schema: boolean(), boolean: true }),
  leaseNamespace: option({ flag: 'lease-namespace', env: 'MCPFLEET_LEASE_NAMESPACE', help: 'namespace of the leader Lease (default: $POD_NAMESPACE, else mcpfleet-system)', default: (env) => env.POD_NAMESPACE || 'mcpfleet-system', schema: dnsName('namespace name') }),
  leaseName: option({ flag: 'lease-name', env: 'MCPFLEET_LEASE_NAME', help: 'name of the leader Lease', default: 'mcpfleet-operator', schema: text() }),
  leaderIdentity: option({ flag: 'leader-identity', env: 'MCPFLEET_LEADER_IDENTITY', help: 'this replica\'s identity in the Lease (default: $POD_NAME, else $HOSTNAME)', default: (env) => env.POD_NAME || env.HOSTNAME || undefined, schema: text() }),
  leaseDurationMs: option({ flag: 'lease-duration', env: 'MCPFLEET_LEASE_DURATION', help: 'how long a lease is valid without renewal', default: '15s', schema: duration({ min: 1_000 }) }),
  renewDeadlineMs: option({ flag: 'renew-deadline', env: 'MCPFLEET_RENEW_DEADLINE', help: 'how long the leader keeps trying to renew before it stops leading', default: '10s', schema: duration({ min: 100 }) }),
  retryPeriodMs: option({ flag: 'retry-period', env: 'MCPFLEET_RETRY_PERIOD', help: 'interval between lease acquire/renew attempts', default: '2s', schema: duration({ min: 50 }) }),
  watchStallTimeoutMs: option({ flag: 'watch-stall-timeout', env: 'MCPFLEET_WATCH_STALL_TIMEOUT', help: 're-open a watch that sends no event or bookmark for this long', default: '2m', schema: duration({ min: 100 }) }),
  resyncPeriodMs: option({ flag: 'resync-period', env: 'MCPFLEET_RESYNC_PERIOD', help: 're-reconcile every object this often (0: never)', default: '10m', schema: duration({ min: 1_000, allowZero: true }) }),
  verifyIntervalMs: option({ flag: 'verify-interval', env: 'MCPFLEET_VERIFY_INTERVAL', help: 'how often each McpServer endpoint is re-verified (0: only on change)', default: '1m', schema: duration({ min: 1_000, allowZero: true }) }),
  serversImageRepository: option({ flag: 'servers-image-repository', env: 'MCPFLEET_SERVERS_IMAGE_REPOSITORY', help: 'image repository of the catalog servers', default: 'ghcr.io/mcpfleet/servers', schema: text() }),
  serversImageTag: option({ flag: 'servers-image-tag', env: 'MCPFLEET_SERVERS_IMAGE_TAG', help: 'image tag of the catalog servers', default: '0.1.0', schema: text() }),
  queueQps: option({ flag: 'queue-qps', env: 'MCPFLEET_QUEUE_QPS', help: 'overall rate of retried reconciles (token bucket)', default: '10', schema: positiveNumber() }),
  queueBurst: option({ flag: 'queue-burst', env: 'MCPFLEET_QUEUE_BURST', help: 'burst of the retry token bucket', default: '100', schema: integer(1, 100_000) }),
  requeueBaseDelayMs: option({ flag: 'requeue-base-delay', env: 'MCPFLEET_REQUEUE_BASE_DELAY', help: 'first per-object retry delay (doubles per failure)', default: '5ms', schema: duration({ min: 1 }) }),
  requeueMaxDelayMs: option({ flag: 'requeue-max-delay', env: 'MCPFLEET_REQUEUE_MAX_DELAY', help: 'longest per-object retry delay', default: '1000s', schema: duration({ min: 1 }) }),
  watchBackoffInitialMs: option({ flag: 'watch-backoff-initial', env: 'MCPFLEET_WATCH_BACKOFF_INITIAL', help: 'first delay before restarting a failed list/watch', default: '1s', schema: duration({ min: 1 }) }),
  watchBackoffMaxMs: option({ flag: 'watch-backoff-max', env: 'MCPFLEET_WATCH_BACKOFF_MAX', help: 'longest delay before restarting a failed list/watch', default: '30s', schema: duration({ min: 1 }) }),
  apiTimeoutMs: option({ flag: 'api-timeout', env: 'MCPFLEET_API_TIMEOUT', help: 'timeout of one Kubernetes API request (watches excepted)', default: '30s', schema: duration({ min: 100 }) }),
  eksClusterName: option({ flag: 'eks-cluster-name', env: 'MCPFLEET_EKS_CLUSTER_NAME', help: 'EKS cluster for Pod Identity associations when spec.identity.aws.clusterName is unset', default: undefined, schema: eksClusterName() }),
  eksEndpoint: option({ flag: 'eks-endpoint', env: 'MCPFLEET_EKS_ENDPOINT', help: 'EKS API endpoint URL (default: the AWS SDK\'s, which also honours AWS_ENDPOINT_URL_EKS)', default: undefined, schema: httpUrl() }),
  podIdentityProvider: option({
    flag: 'pod-identity-provider',
    env: 'MCPFLEET_POD_IDENTITY_PROVIDER',
    help: `how EKS Pod Identity associations are made (${POD_IDENTITY_PROVIDERS.join(', ')}): auto uses an ACK PodIdentityAssociation when ACK's eks-controller CRD is installed, else the EKS API`,
    default: 'auto',
    schema: z.enum(POD_IDENTITY_PROVIDERS, { error: `must be one of ${POD_IDENTITY_PROVIDERS.join(', ')}` }),
  }),
  telemetryOtlpEndpoint: option({
    flag: 'telemetry-otlp-endpoint',
    env: 'MCPFLEET_TELEMETRY_OTLP_ENDPOINT',
    help: 'default OTLP/HTTP base URL every McpServer sends traces to (spec.telemetry.tracing overrides it; unset: servers trace only when their spec names an endpoint). The operator\'s own traces follow the standard OTEL_* variables',
    default: undefined,
    schema: httpUrl(),
  }),
  telemetrySamplingRatio: option({ flag: 'telemetry-sampling-ratio', env: 'MCPFLEET_TELEMETRY_SAMPLING_RATIO', help: 'default share of new traces the servers record (parentbased_traceidratio), 0 to 1', default: '1', schema: ratio() }),
  awsRegion: option({ flag: 'aws-region', env: 'MCPFLEET_AWS_REGION', help: 'AWS region of the EKS API (default: the AWS SDK chain: AWS_REGION, ~/.aws/config, instance metadata)', default: undefined, schema: text() }),
};

type Options = typeof OPTIONS;

export interface OperatorConfig {
  kubeconfig: string | undefined;
  kubeContext: string | undefined;
  /** '' means all namespaces. */
  watchNamespace: string;
  workers: number;
  /** undefined: no metrics server ("0"). */
  metricsBindAddress: BindAddress | undefined;
  metricsSecure: boolean;
  metricsCertPath: string | undefined;
  /** undefined: no probe server ("0"). */
  healthProbeBindAddress: BindAddress | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: (typeof LOG_FORMATS)[number];
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  leaderIdentity: string | undefined;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  watchStallTimeoutMs: number;
  /** 0 disables periodic resync. */
  resyncPeriodMs: number;
  /** 0 disables periodic re-verification. */
  verifyIntervalMs: number;
  serversImageRepository: string;
  serversImageTag: string;
  queueQps: number;
  queueBurst: number;
  requeueBaseDelayMs: number;
  requeueMaxDelayMs: number;
  watchBackoffInitialMs: number;
  watchBackoffMaxMs: number;
  apiTimeoutMs: number;
  /** Default EKS cluster of Pod Identity associations; undefined: each McpServer must name it. */
  eksClusterName: string | undefined;
  /** EKS API endpoint override (tests point it at a local stub). */
  eksEndpoint: string | undefined;
  /** auto: ACK when its PodIdentityAssociation CRD is served, else the EKS API. */
  podIdentityProvider: PodIdentityProviderSetting;
  /** Default OTLP/HTTP endpoint of the servers' traces; undefined: none. */
  telemetryOtlpEndpoint: string | undefined;
  telemetrySamplingRatio: number;
  awsRegion: string | undefined;
}

// Compile-time check that OperatorConfig and OPTIONS name the same keys.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const _keysMatch: SameKeys<Options, OperatorConfig> = true;
void _keysMatch;

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}\nRun with --help to list every flag.`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function isHelpRequested(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export function isVersionRequested(argv: readonly string[]): boolean {
  return argv.includes('--version');
}

/** Parses argv (without node and script) and env; throws ConfigError listing every problem. */
export function parseConfig(argv: readonly string[], env: Record<string, string | undefined>): OperatorConfig {
  const issues: string[] = [];
  const byFlag = new Map<string, keyof Options>();
  for (const key of Object.keys(OPTIONS) as (keyof Options)[]) byFlag.set(OPTIONS[key].flag, key);
  const fromFlags = new Map<keyof Options, string>();

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h' || arg === '--version') continue;
    if (!arg.startsWith('--')) {
      issues.push(`unexpected argument ${JSON.stringify(arg)} (flags look like --name=value)`);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let key = byFlag.get(name);
    if (!key && name.startsWith('no-') && value === undefined) {
      const positive = byFlag.get(name.slice(3));
      if (positive && OPTIONS[positive].boolean) {
        key = positive;
        name = name.slice(3);
        value = 'false';
      }
    }
    if (!key) {
      issues.push(`unknown flag --${name}`);
      continue;
    }
    if (value === undefined) {
      if (OPTIONS[key].boolean) {
        value = 'true';
      } else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) {
          issues.push(`--${name} needs a value`);
          continue;
        }
        value = next;
        i++;
      }
    }
    fromFlags.set(key, value);
  }

  const config: Record<string, unknown> = {};
  for (const key of Object.keys(OPTIONS) as (keyof Options)[]) {
    const spec = OPTIONS[key] as OptionSpec<unknown>;
    const flagValue = fromFlags.get(key);
    const envValue = env[spec.env];
    const source = flagValue !== undefined ? `--${spec.flag}` : envValue !== undefined ? spec.env : 'default';
    const raw = flagValue ?? envValue ?? (typeof spec.default === 'function' ? spec.default(env) : spec.default);
    if (raw === undefined) {
      config[key] = undefined;
      continue;
    }
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      config[key] = result.data;
    } else {
      const message = result.error.issues.map((iss) => iss.message).join('; ');
      issues.push(`--${spec.flag} / ${spec.env}: ${message} (got ${JSON.stringify(raw)} from ${source})`);
    }
  }

  if (issues.length === 0) issues.push(...crossFieldIssues(config as unknown as OperatorConfig));
  if (issues.length) throw new ConfigError(issues);
  return config as unknown as OperatorConfig;
}

function crossFieldIssues(c: OperatorConfig): string[] {
  const issues: string[] = [];
  if (c.leaderElect) {
    if (!(c.leaseDurationMs > c.renewDeadlineMs)) {
      issues.push(`--lease-duration (${formatDurationMs(c.leaseDurationMs)}) must be greater than --renew-deadline (${formatDurationMs(c.renewDeadlineMs)})`);
    }
    if (!(c.renewDeadlineMs > c.retryPeriodMs * 1.2)) {
      issues.push(`--renew-deadline (${formatDurationMs(c.renewDeadlineMs)}) must be greater than 1.2 × --retry-period (${formatDurationMs(c.retryPeriodMs)})`);
    }
    if (!c.leaderIdentity) issues.push('--leader-identity / MCPFLEET_LEADER_IDENTITY: must be set when leader election is on (or set POD_NAME / HOSTNAME)');
  }
  if (c.metricsBindAddress && c.healthProbeBindAddress && c.metricsBindAddress.port !== 0 && c.metricsBindAddress.port === c.healthProbeBindAddress.port) {
    issues.push(`--metrics-bind-address and --health-probe-bind-address must use different ports (both ${c.metricsBindAddress.port})`);
  }
  if (c.requeueBaseDelayMs > c.requeueMaxDelayMs) {
    issues.push(`--requeue-base-delay (${formatDurationMs(c.requeueBaseDelayMs)}) must not exceed --requeue-max-delay (${formatDurationMs(c.requeueMaxDelayMs)})`);
  }
  if (c.watchBackoffInitialMs > c.watchBackoffMaxMs) {
    issues.push(`--watch-backoff-initial (${formatDurationMs(c.watchBackoffInitialMs)}) must not exceed --watch-backoff-max (${formatDurationMs(c.watchBackoffMaxMs)})`);
  }
  return issues;
}

/** The --help text: every flag, its variable and default. */
export function configUsage(): string {
  const lines = ['Usage: mcpfleet-operator [flags]', '', 'Every flag can also be set through its environment variable; flags win.', '', '  --help', '      print this list', '  --version', '      print the operator version', ''];
  for (const spec of Object.values(OPTIONS) as OptionSpec<unknown>[]) {
    const def = typeof spec.default === 'function' ? '(computed)' : spec.default === undefined ? '(unset)' : JSON.stringify(spec.default);
    lines.push(`  --${spec.flag}${spec.boolean ? '' : '=<value>'}`, `      ${spec.help}`, `      env ${spec.env}; default ${def}`);
  }
  return lines.join('\n');
}
