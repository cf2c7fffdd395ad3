// Starts the kit in proxy mode: the kit's HTTP front (health, readiness, metrics, Host/Origin,
// auth, rate limit, body cap, drain) with the forwarding handler instead of local tools.
// Ready while the upstream accepts connections.
import { connect } from 'node:net';
import type { Writable } from 'node:stream';
import { createKitHttpServer } from '../kit/httpServer.ts';
import type { KitHttpServer } from '../kit/httpServer.ts';
import type { Logger } from '../kit/logger.ts';
import { createLogger } from '../kit/logger.ts';
import type { KitMetrics } from '../kit/metrics.ts';
import { createKitMetrics } from '../kit/metrics.ts';
import { AuthFailureThrottle } from '../kit/rateLimit.ts';
import type { RedisConnection } from '../kit/redis.ts';
import { closeRedis, openRedis, pingRedis } from '../kit/redis.ts';
import { buildAuthenticator, createRequestLimiter, openEnforcement } from '../kit/runtime.ts';
import { UpstreamSurface } from '../kit/toolPinning.ts';
import { listenKit } from '../kit/serve.ts';
import type { ProxyConfig } from './config.ts';
import { createProxyHandler } from './forward.ts';
import { listUpstreamTools } from './upstreamTools.ts';

/** How long keep-alive sockets get, after the last call, to be told Connection: close. */
const PROXY_LINGER_MAX_MS = 5000;

export interface RunningProxy {
  url: string;
  baseUrl: string;
  port: number;
  logger: Logger;
  metrics: KitMetrics;
  http: KitHttpServer;
  shutdown(): Promise<{ drained: boolean }>;
}

function upstreamAccepts(upstream: URL, timeoutMs: number): Promise<void> {
  const port = Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: upstream.hostname.replace(/^\[|\]$/g, ''), port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error(`upstream ${upstream.host} did not accept a connection within ${timeoutMs} ms`)));
    socket.once('error', (error) => reject(new Error(`upstream ${upstream.host} is not accepting connections: ${error.message}`)));
  });
}

export async function startProxy(config: ProxyConfig, options: { logger?: Logger; logStream?: Writable; defaultMetrics?: boolean } = {}): Promise<RunningProxy> {
  const { kit } = config;
  const logger = options.logger ?? createLogger({ level: kit.logLevel, stream: options.logStream ?? process.stdout, knownSecrets: kit.apiKeys, defaultMeta: { server: 'proxy' } });
  const metrics = createKitMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  const authenticator = buildAuthenticator(kit);
  // Redis serves the proxy's cluster-wide rate limit and daily quota (the cache is refused in proxy mode).
  const redis: RedisConnection | undefined = kit.rateLimit && kit.redisUrl ? openRedis(kit.redisUrl, logger, { connectTimeoutMs: kit.httpTimeoutMs, purpose: 'kit' }) : undefined;
  // Pinning enforcement: the approved digests, and what the upstream offers now (it can change under the proxy).
  const baseline = await openEnforcement(kit.toolBaselineFile, logger);
  const guard = baseline && { enforcement: baseline, surface: new UpstreamSurface(() => listUpstreamTools(config.upstream, kit.toolTimeoutMs)) };
  const proxyHandler = createProxyHandler({
    upstream: config.upstream,
    policy: kit.toolPolicy,
    metrics,
    logger,
    connectTimeoutMs: kit.toolTimeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    stripCredentials: authenticator !== undefined,
    guard,
  });
  const http = createKitHttpServer({
    config: kit,
    serverName: `proxy for ${config.upstream.host}`,
    logger,
    metrics,
    mcpHandler: proxyHandler.handle,
    authenticator,
    authFailures: new AuthFailureThrottle({ failuresPerMinute: kit.authFailuresPerMinute }),
    limiter: createRequestLimiter(kit, redis, 'proxy', logger),
    async checkReady() {
      await upstreamAccepts(config.upstream, kit.httpTimeoutMs);
      if (redis) await pingRedis(redis);
    },
  });
  const serving = await listenKit(http, kit, logger, {
    beginDrain: () => proxyHandler.endStandaloneStreams(),
    // In-flight exchanges end with the sockets; the upstream sees its requests cancelled.
    abortInFlight: () => http.server.closeAllConnections(),
    closeHandlers: async () => {},
    closeSockets: () => http.close(Math.min(PROXY_LINGER_MAX_MS, kit.drainTimeoutMs)),
    closeServices: async () => {
      baseline?.close();
      if (redis) await closeRedis(redis);
    },
  });
  logger.info('proxying', { address: `${kit.host}:${serving.port}`, mcpPath: kit.mcpPath, upstream: config.upstream.href });
  return { url: `${serving.baseUrl}${kit.mcpPath}`, baseUrl: serving.baseUrl, port: serving.port, logger, metrics, http, shutdown: serving.shutdown };
}
