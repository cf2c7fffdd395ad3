// Kit-wide settings, read from the environment the operator renders (one contract for every
// catalog server). Parsing is pure: `parseKitConfig(env)` either returns a typed config or throws
// a KitConfigError naming every bad variable, so the entry point can print it and exit 2.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { resolveAwsRegion } from './awsClients.ts';
import { TrustedProxies } from './clientAddress.ts';
import { ConfigError, unsetIfEmpty } from './env.ts';
import { parseToolPolicy, type ToolPolicy } from './toolPolicy.ts';

export class KitConfigError extends ConfigError {
  override readonly name = 'KitConfigError';
}

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/** Scopes may be separated by spaces or commas (OAuth uses spaces; Helm values often use commas). */
const scopeList = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(/[\s,]+/).filter((item) => item.length > 0));

const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

/** Seconds as a positive number (fractions allowed so tests can use short timeouts). */
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

const optionalUrl = z.string().url().optional();

/** Empty strings count as unset: Helm and Kustomize often render `VAR: ""` for "not configured". */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  MCP_PATH: z
    .string()
    .default('/mcp')
    .refine((path) => path.startsWith('/') && !path.includes('?'), 'must be a path starting with "/", e.g. /mcp'),
  MCP_TRANSPORT: z.enum(['http', 'stdio']).default('http'),
  ALLOWED_HOSTS: commaList,
  ALLOWED_ORIGINS: commaList,
  MAX_BODY_BYTES: positiveInt(1_048_576),
  API_KEYS: commaList,
  API_KEYS_FILE: z.string().optional(),
  OAUTH_ISSUER: z.string().optional(),
  OAUTH_AUDIENCE: z.string().optional(),
  OAUTH_JWKS_URI: optionalUrl,
  OAUTH_REQUIRED_SCOPES: scopeList,
  OAUTH_RESOURCE_URL: optionalUrl,
  RATE_LIMIT_RPS: z.coerce.number().positive().optional(),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().optional(),
  RATE_LIMIT_DAILY_QUOTA: z.coerce.number().int().positive().optional(),
  AUTH_FAILURES_PER_MINUTE: positiveInt(20),
  TRUSTED_PROXY_CIDRS: commaList,
  CACHE_TTL_SECONDS: z.coerce.number().min(0).default(0),
  CACHE_BACKEND: z.enum(['memory', 'redis', 'dynamodb']).default('memory'),
  CACHE_MAX_BYTES: positiveInt(32 * 1024 * 1024),
  DYNAMODB_TABLE: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)').optional(),
  DYNAMODB_ENDPOINT: optionalUrl,
  DYNAMODB_REGION: z.string().optional(),
  REDIS_URL: z
    .string()
    .optional()
    .refine((url) => url === undefined || /^rediss?:\/\//.test(url), 'must start with redis:// or rediss://'),
  HTTP_TIMEOUT: seconds(5),
  TOOL_TIMEOUT: seconds(30),
  DRAIN_TIMEOUT: seconds(25),
  TOOL_POLICY: z.string().optional(),
  TOOL_BASELINE_FILE: z.preprocess(unsetIfEmpty, z.string().optional()),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
});

export interface OAuthConfig {
  issuer: string;
  /** Expected `aud` claim; defaults to the resource URL when unset. */
  audience: string;
  jwksUri: string;
  requiredScopes: string[];
  /** Public URL of the MCP endpoint (RFC 9728 `resource`); may be unset, then derived per request. */
  resourceUrl: string | undefined;
}

export interface KitConfig {
  port: number;
  host: string;
  mcpPath: string;
  transport: 'http' | 'stdio';
  allowedHosts: string[];
  allowedOrigins: string[];
  maxBodyBytes: number;
  /** Never logged: the logger redacts them and config is never printed whole. */
  apiKeys: string[];
  oauth: OAuthConfig | undefined;
  /** Per client; cluster-wide when REDIS_URL is set, per replica otherwise. */
  rateLimit: { ratePerSecond: number; burst: number; dailyQuota?: number } | undefined;
  /** Failed authentications allowed per client address per minute (then 429 until it refills). */
  authFailuresPerMinute: number;
  /** Proxies whose X-Forwarded-For names the client address (TRUSTED_PROXY_CIDRS); empty = none. */
  trustedProxies: TrustedProxies;
  /** maxBytes bounds the memory backend (what a replica's heap holds for it). */
  cache: { ttlSeconds: number; backend: 'memory' | 'redis' | 'dynamodb'; maxBytes: number } | undefined;
  /** The DynamoDB result cache's table (CACHE_BACKEND=dynamodb); region DYNAMODB_REGION, else AWS_REGION. */
  dynamodb: { table: string; endpoint: string | undefined; region: string } | undefined;
  redisUrl: string | undefined;
  httpTimeoutMs: number;
  toolTimeoutMs: number;
  drainTimeoutMs: number;
  logLevel: string;
  /** Which tools clients see and may call, and how they are presented (TOOL_POLICY). */
  toolPolicy: ToolPolicy;
  /**
   * Set when spec.tools.pinning.mode is enforce: the approved digests (servers/kit/toolBaseline.ts);
   * tools without an approved digest are withheld, also when the file is missing or unreadable.
   */
  toolBaselineFile: string | undefined;
}

/** Reads API_KEYS_FILE (one key per line, `#` comments and blank lines ignored). */
export function readApiKeysFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KitConfigError(
      `API_KEYS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); mount the Secret there or unset the variable`,
    );
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`)
    .join('; ');
}

function dynamodbCacheSettings(table: string | undefined, endpoint: string | undefined, region: string | undefined, rawEnv: Record<string, string | undefined>): KitConfig['dynamodb'] {
  if (!table) throw new KitConfigError('CACHE_BACKEND=dynamodb needs DYNAMODB_TABLE (e.g. mcp-tool-results-prod)');
  const resolved = resolveAwsRegion(region, rawEnv);
  if (!resolved) throw new KitConfigError('CACHE_BACKEND=dynamodb needs DYNAMODB_REGION or AWS_REGION (the table region)');
  return { table, endpoint, region: resolved };
}

export function parseKitConfig(rawEnv: Record<string, string | undefined>): KitConfig {
  const parsed = envSchema.safeParse(withoutEmpty(rawEnv));
  if (!parsed.success) throw new KitConfigError(`invalid kit settings: ${formatIssues(parsed.error)}`);
  const env = parsed.data;

  const apiKeys = [...env.API_KEYS, ...(env.API_KEYS_FILE ? readApiKeysFile(env.API_KEYS_FILE) : [])];
  if (env.API_KEYS_FILE && apiKeys.length === 0) {
    throw new KitConfigError(`API_KEYS_FILE: ${env.API_KEYS_FILE} holds no keys; put one key per line`);
  }

  let oauth: OAuthConfig | undefined;
  if (env.OAUTH_ISSUER) {
    if (!env.OAUTH_JWKS_URI) throw new KitConfigError('OAUTH_JWKS_URI is required when OAUTH_ISSUER is set (the JWKS URL of the authorization server)');
    const audience = env.OAUTH_AUDIENCE ?? env.OAUTH_RESOURCE_URL;
    if (!audience) throw new KitConfigError('OAUTH_AUDIENCE (or OAUTH_RESOURCE_URL) is required when OAUTH_ISSUER is set');
    oauth = {
      issuer: env.OAUTH_ISSUER,
      audience,
      jwksUri: env.OAUTH_JWKS_URI,
      requiredScopes: env.OAUTH_REQUIRED_SCOPES,
      resourceUrl: env.OAUTH_RESOURCE_URL,
    };
  }

  if (env.RATE_LIMIT_BURST !== undefined && env.RATE_LIMIT_RPS === undefined) {
    throw new KitConfigError('RATE_LIMIT_BURST is set without RATE_LIMIT_RPS; set both (e.g. RATE_LIMIT_RPS=10 RATE_LIMIT_BURST=5) or neither');
  }
  if (env.RATE_LIMIT_DAILY_QUOTA !== undefined && env.RATE_LIMIT_RPS === undefined) {
    throw new KitConfigError('RATE_LIMIT_DAILY_QUOTA is set without RATE_LIMIT_RPS; set RATE_LIMIT_RPS (and RATE_LIMIT_BURST) too, e.g. RATE_LIMIT_RPS=10 RATE_LIMIT_BURST=5 RATE_LIMIT_DAILY_QUOTA=1000');
  }
  const rateLimit =
    env.RATE_LIMIT_RPS === undefined
      ? undefined
      : {
          ratePerSecond: env.RATE_LIMIT_RPS,
          burst: env.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(env.RATE_LIMIT_RPS)),
          ...(env.RATE_LIMIT_DAILY_QUOTA !== undefined && { dailyQuota: env.RATE_LIMIT_DAILY_QUOTA }),
        };

  let trustedProxies: TrustedProxies;
  try {
    trustedProxies = new TrustedProxies(env.TRUSTED_PROXY_CIDRS);
  } catch (error) {
    throw new KitConfigError(`TRUSTED_PROXY_CIDRS: ${(error as Error).message}; list the Ingress controller's or load balancer's addresses, comma-separated`);
  }

  const cache = env.CACHE_TTL_SECONDS > 0 ? { ttlSeconds: env.CACHE_TTL_SECONDS, backend: env.CACHE_BACKEND, maxBytes: env.CACHE_MAX_BYTES } : undefined;
  if (cache?.backend === 'redis' && !env.REDIS_URL) {
    throw new KitConfigError('CACHE_BACKEND=redis needs REDIS_URL (e.g. redis://redis:6379)');
  }
  const dynamodb = cache?.backend === 'dynamodb' ? dynamodbCacheSettings(env.DYNAMODB_TABLE, env.DYNAMODB_ENDPOINT, env.DYNAMODB_REGION, rawEnv) : undefined;

  return {
    port: env.PORT,
    host: env.HOST,
    mcpPath: env.MCP_PATH,
    transport: env.MCP_TRANSPORT,
    allowedHosts: env.ALLOWED_HOSTS,
    allowedOrigins: env.ALLOWED_ORIGINS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    apiKeys,
    oauth,
    rateLimit,
    authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
    trustedProxies,
    cache,
    redisUrl: env.REDIS_URL,
    dynamodb,
    httpTimeoutMs: Math.round(env.HTTP_TIMEOUT * 1000),
    toolTimeoutMs: Math.round(env.TOOL_TIMEOUT * 1000),
    drainTimeoutMs: Math.round(env.DRAIN_TIMEOUT * 1000),
    logLevel: env.LOG_LEVEL,
    toolPolicy: parseToolPolicy(env.TOOL_POLICY),
    toolBaselineFile: env.TOOL_BASELINE_FILE,
  };
}
