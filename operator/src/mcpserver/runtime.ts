// Resolves what runs in a server pod, for the three kinds of server. Every kind gets the kit's
// guarantees (auth, rate limit, Host/Origin, body cap, tool policy, metrics, drain):
// - catalog: the servers image with the catalog name as argument; the kit is the server.
// - image + streamable-http: the image as given, behind the kit in proxy mode as a sidecar (the
//   Service targets the proxy; the image's port is reachable only inside the pod).
// - image + stdio: an init container copies the stdio bridge (the servers image's node and one
//   bundled file) into a shared emptyDir, and the image's command runs wrapped by it.
import type { V1EnvVar } from '@kubernetes/client-node';
import { CATALOG } from '../api/catalog.ts';
import { HEALTH_PATHS } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext } from './context.ts';
import { trustedProxyRanges } from './networkpolicy.ts';
// Container names only, read at render time (deployment.ts imports this module too).
import { CONTAINER_NAME, PROXY_CONTAINER_NAME } from './deployment.ts';
import { tracingEnv } from './telemetry.ts';
import { enforcesPinning, TOOL_BASELINE_FILE } from './tool-baseline.ts';
import { serviceHostNames } from './urls.ts';

export interface ServerRuntime {
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command?: string[];
  args?: string[];
  port: number;
  path: string;
  env: V1EnvVar[];
  /** Catalog servers run on the kit and answer /healthz and /readyz. */
  kitHealth: boolean;
  /** Secret volumes the kit reads (API keys), mounted where the kit runs. */
  secretFiles: { volumeName: string; secretName: string; key: string; mountPath: string; fileName: string }[];
  /** Image + streamable-http: the kit in proxy mode, in front of `port`. */
  proxy?: { image: string; imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never'; port: number; env: V1EnvVar[] };
  /** Image + stdio: the init container that installs the bridge into BRIDGE_DIR. */
  bridgeInstaller?: { image: string; imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never' };
}

export type ServerKind = 'catalog' | 'image-http' | 'image-stdio';

/** The bridge's tracing variables, plus the switch that passes them on to the wrapped command. */
function bridgeTracingEnv(tracing: V1EnvVar[], upstream: boolean): V1EnvVar[] {
  return tracing.length > 0 && upstream ? [...tracing, { name: 'BRIDGE_TRACE_CHILDREN', value: 'true' }] : tracing;
}

export function serverKind(server: McpServer): ServerKind {
  if (server.spec.catalog !== undefined) return 'catalog';
  return server.spec.transport.type === 'stdio' ? 'image-stdio' : 'image-http';
}

/** Where the bridge is installed (an emptyDir shared by the init and the server container). */
export const BRIDGE_DIR = '/mcpfleet/bridge';
/** The port the proxy listens on: the image's port is taken, so the next free one from 8090. */
export function proxyPort(upstreamPort: number): number {
  return upstreamPort === 8090 ? 8091 : 8090;
}

export const API_KEYS_DIR = '/etc/mcpfleet/api-keys';
const API_KEYS_FILE = 'keys';

function env(name: string, value: string | number | undefined): V1EnvVar[] {
  return value === undefined ? [] : [{ name, value: String(value) }];
}

/** TOOL_POLICY as the kit parses it (servers/kit/toolPolicy.ts). */
function toolPolicyJson(server: McpServer): string | undefined {
  const tools = server.spec.tools;
  if (!tools) return undefined;
  const policy = { ...(tools.allow && { allow: tools.allow }), ...(tools.deny && { deny: tools.deny }), ...(tools.overrides && { overrides: tools.overrides }) };
  return Object.keys(policy).length > 0 ? JSON.stringify(policy) : undefined;
}

/** The kit settings every kit reads (servers/kit/config.ts): catalog server, bridge or proxy. */
function kitEnv(server: McpServer, ctx: BuildContext, port: number = server.spec.transport.port): V1EnvVar[] {
  const spec = server.spec;
  const hosts = [...serviceHostNames(server, ctx), ...(spec.expose.ingress?.host ? [spec.expose.ingress.host] : []), ...(spec.allowedHosts ?? [])];
  const oauth = spec.auth?.oauth;
  return [
    ...env('PORT', port),
    ...env('MCP_PATH', spec.transport.path),
    ...env('ALLOWED_HOSTS', hosts.join(',')),
    ...env('ALLOWED_ORIGINS', spec.allowedOrigins?.join(',')),
    ...(spec.auth?.apiKeySecretRef ? env('API_KEYS_FILE', `${API_KEYS_DIR}/${API_KEYS_FILE}`) : []),
    ...env('OAUTH_ISSUER', oauth?.issuer),
    ...env('OAUTH_AUDIENCE', oauth?.audience),
    ...env('OAUTH_JWKS_URI', oauth?.jwksUri),
    ...env('OAUTH_REQUIRED_SCOPES', oauth?.requiredScopes?.join(' ')),
    ...env('RATE_LIMIT_RPS', spec.rateLimit?.requestsPerSecond),
    ...env('RATE_LIMIT_BURST', spec.rateLimit?.burst),
    ...env('RATE_LIMIT_DAILY_QUOTA', spec.rateLimit?.dailyQuota),
    ...env('CACHE_TTL_SECONDS', spec.cache?.ttlSeconds),
    ...env('CACHE_BACKEND', spec.cache?.backend),
    ...env('DYNAMODB_TABLE', spec.cache?.backend === 'dynamodb' ? spec.cache.dynamodb?.table : undefined),
    ...env('DYNAMODB_REGION', spec.cache?.backend === 'dynamodb' ? spec.cache.dynamodb?.region : undefined),
    ...(spec.cache?.redisUrlSecretRef
      ? [{ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: spec.cache.redisUrlSecretRef.name, key: spec.cache.redisUrlSecretRef.key } } }]
      : []),
    ...env('TOOL_POLICY', toolPolicyJson(server)),
    ...env('TRUSTED_PROXY_CIDRS', trustedProxyRanges(server).join(',') || undefined),
    ...env('TOOL_BASELINE_FILE', enforcesPinning(server) ? TOOL_BASELINE_FILE : undefined),
  ];
}

/**
 * One entry per name: a later definition (catalog settings over kit settings, then spec.env)
 * replaces an earlier one in place, so the order stays stable. Validation refuses a spec.env
 * entry that names a variable the operator renders (operator/src/api/reserved-env.ts), so
 * spec.env only ever adds variables here.
 */
export function mergeEnv(vars: V1EnvVar[]): V1EnvVar[] {
  const byName = new Map<string, V1EnvVar>();
  for (const v of vars) byName.set(v.name, v);
  return [...byName.values()];
}

function serversImage(server: McpServer, ctx: BuildContext, own: boolean): Pick<ServerRuntime, 'image' | 'imagePullPolicy'> {
  const pullPolicy = own ? (server.spec.imagePullPolicy ?? ctx.serversImage.pullPolicy) : ctx.serversImage.pullPolicy;
  return {
    image: own && server.spec.image ? server.spec.image : `${ctx.serversImage.repository}:${ctx.serversImage.tag}`,
    ...(pullPolicy ? { imagePullPolicy: pullPolicy } : {}),
  };
}

export function resolveRuntime(server: McpServer, ctx: BuildContext): ServerRuntime {
  const spec = server.spec;
  const secretFiles: ServerRuntime['secretFiles'] = spec.auth?.apiKeySecretRef
    ? [{ volumeName: 'api-keys', secretName: spec.auth.apiKeySecretRef.name, key: spec.auth.apiKeySecretRef.key, mountPath: API_KEYS_DIR, fileName: API_KEYS_FILE }]
    : [];
  const common = { port: spec.transport.port, path: spec.transport.path, secretFiles };
  const kind = serverKind(server);
  if (kind === 'catalog') {
    const entry = CATALOG[spec.catalog!];
    const config = entry.config.parse(spec.config ?? {});
    return {
      ...serversImage(server, ctx, true),
      args: [spec.catalog!],
      env: mergeEnv([
        ...kitEnv(server, ctx),
        ...(entry.env as (c: unknown) => V1EnvVar[])(config),
        ...tracingEnv(server, ctx, kind, { container: CONTAINER_NAME, role: 'kit' }),
        ...(spec.env ?? []),
      ]),
      kitHealth: true,
      ...common,
    };
  }
  const own = { image: spec.image!, ...(spec.imagePullPolicy ? { imagePullPolicy: spec.imagePullPolicy } : {}) };
  if (kind === 'image-stdio') {
    // The bridge is the container's process; the image's command and args become its child.
    const wrapped = [...(spec.command ?? []), ...(spec.args ?? [])];
    return {
      ...own,
      command: [`${BRIDGE_DIR}/node`, `${BRIDGE_DIR}/stdio-bridge.mjs`],
      // The OTEL_* variables are the bridge's; the wrapped command gets them (as <service>-upstream)
      // only with spec.telemetry.tracing.upstream, as an image behind the proxy does.
      env: mergeEnv([
        ...kitEnv(server, ctx),
        { name: 'BRIDGE_COMMAND', value: JSON.stringify(wrapped) },
        ...bridgeTracingEnv(tracingEnv(server, ctx, kind, { container: CONTAINER_NAME, role: 'kit' }), server.spec.telemetry?.tracing?.upstream === true),
        ...(spec.env ?? []),
      ]),
      kitHealth: true,
      bridgeInstaller: serversImage(server, ctx, false),
      ...common,
    };
  }
  const listen = proxyPort(spec.transport.port);
  return {
    ...own,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    // The image's own tracing is its business: OTEL_* reach it only with spec.telemetry.tracing.upstream.
    env: server.spec.telemetry?.tracing?.upstream ? mergeEnv([...tracingEnv(server, ctx, kind, { container: CONTAINER_NAME, role: 'upstream' }), ...(spec.env ?? [])]) : (spec.env ?? []),
    kitHealth: false,
    proxy: {
      ...serversImage(server, ctx, false),
      port: listen,
      env: [
        ...kitEnv(server, ctx, listen),
        { name: 'UPSTREAM_URL', value: `http://127.0.0.1:${spec.transport.port}${spec.transport.path}` },
        ...tracingEnv(server, ctx, kind, { container: PROXY_CONTAINER_NAME, role: 'kit' }),
      ],
    },
    ...common,
  };
}

export { HEALTH_PATHS };
