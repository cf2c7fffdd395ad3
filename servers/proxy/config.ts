// Proxy-mode settings: the kit's own (auth, limits, Host/Origin, body cap, drain, TOOL_POLICY)
// plus the upstream MCP endpoint it fronts. Settings the proxy cannot honour are refused here,
// never ignored: the result cache needs the kit to run the tools itself.
import { z } from 'zod';
import type { KitConfig } from '../kit/config.ts';
import { parseKitConfig } from '../kit/config.ts';
import { ConfigError } from '../kit/env.ts';
import { parseEnvWith } from '../kit/parseEnv.ts';

export interface ProxyConfig {
  kit: KitConfig;
  /** The MCP endpoint of the server container, e.g. http://127.0.0.1:3001/mcp. */
  upstream: URL;
  maxResponseBytes: number;
}

const schema = z.object({
  UPSTREAM_URL: z
    .string()
    .url('must be the URL of the MCP endpoint, e.g. http://127.0.0.1:3001/mcp')
    .refine((url) => /^https?:\/\//.test(url), 'must be an http:// or https:// URL'),
  UPSTREAM_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
});

export function parseProxyConfig(env: Record<string, string | undefined>): ProxyConfig {
  const kit = parseKitConfig(env);
  const own = parseEnvWith(schema, env, 'proxy');
  if (kit.cache) throw new ConfigError('CACHE_TTL_SECONDS: the result cache is not available in proxy mode (the proxy cannot tell which upstream tools are safe to reuse); unset it');
  if (kit.transport !== 'http') throw new ConfigError('MCP_TRANSPORT: the proxy serves Streamable HTTP only');
  return { kit, upstream: new URL(own.UPSTREAM_URL), maxResponseBytes: own.UPSTREAM_MAX_RESPONSE_BYTES };
}
