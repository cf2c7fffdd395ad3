// Environment variables the operator renders for catalog servers from typed spec fields. A
// spec.env entry with one of these names would silently replace what the operator set (PORT
// would no longer match the Service, API_KEYS would bypass spec.auth), so it is refused with a
// message naming the field that controls it.
import { CATALOG, isCatalogName } from './catalog.ts';
import type { McpServerSpec } from './mcpserver.ts';

/** Variable → the spec field (or operator behaviour) that sets it. */
export const OPERATOR_RENDERED_ENV: Readonly<Record<string, string>> = {
  PORT: 'spec.transport.port',
  HOST: 'the operator (servers listen on every pod address)',
  MCP_PATH: 'spec.transport.path',
  MCP_TRANSPORT: 'spec.transport.type',
  ALLOWED_HOSTS: 'spec.allowedHosts',
  ALLOWED_ORIGINS: 'spec.allowedOrigins',
  API_KEYS: 'spec.auth.apiKeySecretRef',
  API_KEYS_FILE: 'spec.auth.apiKeySecretRef',
  OAUTH_ISSUER: 'spec.auth.oauth',
  OAUTH_AUDIENCE: 'spec.auth.oauth',
  OAUTH_JWKS_URI: 'spec.auth.oauth',
  OAUTH_REQUIRED_SCOPES: 'spec.auth.oauth',
  OAUTH_RESOURCE_URL: 'spec.auth.oauth',
  RATE_LIMIT_RPS: 'spec.rateLimit',
  RATE_LIMIT_BURST: 'spec.rateLimit',
  CACHE_TTL_SECONDS: 'spec.cache',
  CACHE_BACKEND: 'spec.cache',
  REDIS_URL: 'spec.cache.redisUrlSecretRef',
  TOOL_POLICY: 'spec.tools',
  TRUSTED_PROXY_CIDRS: 'spec.expose.ingress.trustedProxies',
  MCPFLEET_POD_NAME: 'spec.telemetry.tracing (k8s.pod.name)',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'spec.telemetry.tracing.endpoint',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'spec.telemetry.tracing',
  OTEL_EXPORTER_OTLP_HEADERS: 'spec.telemetry.tracing.headersSecretRef',
  OTEL_SERVICE_NAME: 'spec.telemetry.tracing.serviceName',
  OTEL_RESOURCE_ATTRIBUTES: 'spec.telemetry.tracing.resourceAttributes',
  OTEL_TRACES_SAMPLER: 'spec.telemetry.tracing.samplingRatio',
  OTEL_TRACES_SAMPLER_ARG: 'spec.telemetry.tracing.samplingRatio',
  TOOL_BASELINE_FILE: 'spec.tools.pinning',
};

/** Problems for spec.env entries that would override what the operator renders (catalog servers only). */
export function reservedEnvProblems(spec: McpServerSpec): string[] {
  if (spec.catalog === undefined || !isCatalogName(spec.catalog) || !spec.env?.length) return [];
  const entry = CATALOG[spec.catalog];
  const parsed = entry.config.safeParse(spec.config ?? {});
  const fromConfig = new Set(parsed.success ? (entry.env as (c: unknown) => { name: string }[])(parsed.data).map((v) => v.name) : []);
  const problems: string[] = [];
  spec.env.forEach((variable, i) => {
    const owner = Object.hasOwn(OPERATOR_RENDERED_ENV, variable.name) ? OPERATOR_RENDERED_ENV[variable.name] : fromConfig.has(variable.name) ? 'spec.config' : undefined;
    if (owner) problems.push(`spec.env[${i}].name: ${variable.name} is set by ${owner}; set it there instead of in spec.env`);
  });
  return problems;
}
