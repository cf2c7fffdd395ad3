// Resolves what runs in the server container: a catalog server (the servers image with the
// catalog name as argument, env from spec.config and the kit settings) or any MCP image as given.
import type { V1EnvVar } from '@kubernetes/client-node';
import { CATALOG } from '../api/catalog.ts';
import { HEALTH_PATHS } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext } from './context.ts';
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
  /** Secret volumes the kit reads (API keys). */
  secretFiles: { volumeName: string; secretName: string; key: string; mountPath: string; fileName: string }[];
}

export const API_KEYS_DIR = '/etc/mcpfleet/api-keys';
const API_KEYS_FILE = 'keys';

function env(name: string, value: string | number | undefined): V1EnvVar[] {
  return value === undefined ? [] : [{ name, value: String(value) }];
}

/** The kit settings every catalog server reads (servers/kit/config.ts). */
function kitEnv(server: McpServer, ctx: BuildContext): V1EnvVar[] {
  const spec = server.spec;
  const hosts = [...serviceHostNames(server, ctx), ...(spec.expose.ingress?.host ? [spec.expose.ingress.host] : []), ...(spec.allowedHosts ?? [])];
  const oauth = spec.auth?.oauth;
  return [
    ...env('PORT', spec.transport.port),
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

export function resolveRuntime(server: McpServer, ctx: BuildContext): ServerRuntime {
  const spec = server.spec;
  const secretFiles: ServerRuntime['secretFiles'] = spec.auth?.apiKeySecretRef
    ? [{ volumeName: 'api-keys', secretName: spec.auth.apiKeySecretRef.name, key: spec.auth.apiKeySecretRef.key, mountPath: API_KEYS_DIR, fileName: API_KEYS_FILE }]
    : [];
  if (spec.catalog !== undefined) {
    const entry = CATALOG[spec.catalog];
    const config = entry.config.parse(spec.config ?? {});
    return {
      image: spec.image ?? `${ctx.serversImage.repository}:${ctx.serversImage.tag}`,
      ...(spec.imagePullPolicy ?? ctx.serversImage.pullPolicy ? { imagePullPolicy: spec.imagePullPolicy ?? ctx.serversImage.pullPolicy } : {}),
      args: [spec.catalog],
      port: spec.transport.port,
      path: spec.transport.path,
      env: mergeEnv([...kitEnv(server, ctx), ...(entry.env as (c: unknown) => V1EnvVar[])(config), ...(spec.env ?? [])]),
      kitHealth: true,
      secretFiles,
    };
  }
  return {
    image: spec.image!,
    ...(spec.imagePullPolicy ? { imagePullPolicy: spec.imagePullPolicy } : {}),
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    port: spec.transport.port,
    path: spec.transport.path,
    env: spec.env ?? [],
    kitHealth: false,
    secretFiles: [],
  };
}

export { HEALTH_PATHS };
