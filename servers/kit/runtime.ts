// Assembles a running catalog server from its definition and the kit config: HTTP (Streamable
// HTTP, stateless, both protocol eras) or stdio, with cache, metrics, auth, rate limiting and an
// orderly shutdown. No process-level side effects: signals and exit codes belong to main.ts.
import type { Writable } from 'node:stream';
import { SUPPORTED_PROTOCOL_VERSIONS, createMcpHandler } from '@modelcontextprotocol/server';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import type { Authenticator } from './auth.ts';
import { ApiKeyAuthenticator, OAuthAuthenticator } from './auth.ts';
import type { ResultCache } from './cache.ts';
import { MemoryResultCache, RedisResultCache } from './cache.ts';
import type { KitConfig } from './config.ts';
import type { FastPath } from './fastPath.ts';
import { FAST_PATH_REVISION, createFastPath } from './fastPath.ts';
import type { KitHttpServer } from './httpServer.ts';
import { createKitHttpServer } from './httpServer.ts';
import type { Logger } from './logger.ts';
import { createLogger } from './logger.ts';
import type { KitMetrics } from './metrics.ts';
import { createKitMetrics } from './metrics.ts';
import type { ToolCallback } from './mcpServer.ts';
import { McpServerPool, buildMcpServer } from './mcpServer.ts';
import { createKitMcpHandler } from './nodeAdapter.ts';
import type { RequestLimiter } from './rateLimit.ts';
import { AuthFailureThrottle, MemoryRequestLimiter } from './rateLimit.ts';
import { RedisRequestLimiter } from './redisRateLimit.ts';
import type { RedisConnection } from './redis.ts';
import { closeRedis, openRedis, pingRedis } from './redis.ts';
import type { CatalogServer, ToolCallObserver } from './tool.ts';
import { createToolRunner } from './toolRunner.ts';
import { listenKit } from './serve.ts';
import { traceToolCall } from './tracing/exchange.ts';
import type { KitToolSurface } from './mcpServer.ts';
import { listDeclaredTools } from './mcpServer.ts';
import { BaselineFile } from './toolBaseline.ts';
import { policesListings } from './toolPinning.ts';
import { applyToolPolicy } from './toolPolicy.ts';

/** How long keep-alive sockets get, after the last call, to be told Connection: close. */
const LINGER_MAX_MS = 5000;

export interface KitOptions {
  /** Use this logger instead of building one from LOG_LEVEL (tests capture logs this way). */
  logger?: Logger;
  /** Where the built logger writes; defaults to stdout (http) or stderr (stdio). */
  logStream?: Writable;
  /** Register prom-client's process metrics (default true). */
  defaultMetrics?: boolean;
  /**
   * Serve 2026-07-28 tools/call and tools/list through the kit's direct path (default true; see
   * fastPath.ts). False sends every request through the SDK's HTTP entry (tests compare the two).
   */
  fastPath?: boolean;
}

interface KitServices {
  /** The catalog as clients see it: only the tools TOOL_POLICY exposes, renamed and re-described. */
  catalog: CatalogServer;
  logger: Logger;
  metrics: KitMetrics;
  runners: Map<string, ToolCallback>;
  /** How tools/list and tools/call are policed (undefined: an open policy without pinning enforcement). */
  surface: KitToolSurface | undefined;
  /** The approved digests when pinning is enforced (TOOL_BASELINE_FILE). */
  enforcement: BaselineFile | undefined;
  cache: ResultCache | undefined;
  limiter: RequestLimiter | undefined;
  shutdownController: AbortController;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

/** The per-client limiter: cluster-wide through Redis when the kit has a connection, else per replica. */
export function createRequestLimiter(config: KitConfig, redis: RedisConnection | undefined, serverName: string, logger: Logger): RequestLimiter | undefined {
  if (!config.rateLimit) return undefined;
  return redis ? new RedisRequestLimiter(redis, config.rateLimit, { serverName, logger }) : new MemoryRequestLimiter(config.rateLimit);
}

async function buildServices(catalog: CatalogServer, config: KitConfig, options: KitOptions, defaultStream: Writable): Promise<KitServices> {
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      stream: options.logStream ?? defaultStream,
      knownSecrets: config.apiKeys,
      defaultMeta: { server: catalog.name },
    });
  const metrics = createKitMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  const shutdownController = new AbortController();

  // One connection for the kit's uses of Redis: the shared cache and cluster-wide rate limits.
  const redisUsed = config.redisUrl !== undefined && (config.cache?.backend === 'redis' || config.rateLimit !== undefined);
  const redis: RedisConnection | undefined = redisUsed && config.redisUrl ? openRedis(config.redisUrl, logger, { connectTimeoutMs: config.httpTimeoutMs, purpose: 'kit' }) : undefined;
  let cache: ResultCache | undefined;
  if (config.cache?.backend === 'redis' && redis) {
    cache = new RedisResultCache(redis);
  } else if (config.cache?.backend === 'dynamodb' && config.dynamodb) {
    // Loaded only when used: the AWS SDK is a heavy import for servers that never need it.
    const { DynamoResultCache } = await import('./dynamodbCache.ts');
    cache = new DynamoResultCache({ ...config.dynamodb, timeoutMs: config.httpTimeoutMs, maxAttempts: 2 });
  } else if (config.cache) {
    cache = new MemoryResultCache({ maxBytes: config.cache.maxBytes });
  }
  const limiter = createRequestLimiter(config, redis, catalog.name, logger);

  // Hidden tools get no runner and no registration, so no path (SDK entry, fast path, stdio) can call them.
  const exposed: CatalogServer = { ...catalog, tools: applyToolPolicy(config.toolPolicy, catalog.tools) };
  const runners = new Map<string, ToolCallback>();
  for (const tool of exposed.tools) {
    runners.set(
      tool.name,
      createToolRunner(tool, {
        serverName: catalog.name,
        metrics,
        logger,
        toolTimeoutMs: config.toolTimeoutMs,
        cache,
        cacheTtlSeconds: config.cache?.ttlSeconds ?? 0,
        shutdownSignal: shutdownController.signal,
      }) as ToolCallback,
    );
  }

  // A server that builds its own MCP server (the stdio bridge) polices its tools itself.
  const enforcement = catalog.mcpServer ? undefined : await openEnforcement(config.toolBaselineFile, logger);
  const surface: KitToolSurface | undefined =
    policesListings(config.toolPolicy, enforcement) && !catalog.mcpServer ? { policy: config.toolPolicy, declared: await listDeclaredTools(catalog), enforcement } : undefined;

  return {
    catalog: exposed,
    logger,
    metrics,
    runners,
    surface,
    enforcement,
    cache,
    limiter,
    shutdownController,
    async checkReady() {
      await cache?.checkReady();
      // Rate limits fall back to per-replica memory while Redis is down, but a replica that
      // cannot reach its configured Redis is not fully ready.
      if (redis && !cache) await pingRedis(redis);
      await catalog.checkReady?.();
    },
    async close() {
      enforcement?.close();
      await catalog.close?.().catch((error: unknown) => logger.warn('catalog server close failed', { error: (error as Error).message }));
      await cache?.close();
      if (redis) await closeRedis(redis);
    },
  };
}

/** The approved digests of pinning enforcement, re-read from TOOL_BASELINE_FILE; undefined when not enforcing. */
export async function openEnforcement(file: string | undefined, logger: Logger): Promise<BaselineFile | undefined> {
  return file === undefined ? undefined : BaselineFile.open(file, { logger });
}

function toolCallObserver(metrics: KitMetrics): ToolCallObserver {
  return {
    toolCall: ({ tool, outcome, seconds }) => {
      traceToolCall(tool).end(outcome, outcome === 'success' ? undefined : outcome);
      metrics.toolCalls.inc({ tool, outcome });
      metrics.toolDuration.observe({ tool, outcome }, seconds);
    },
  };
}

export function buildAuthenticator(config: KitConfig): Authenticator | undefined {
  if (config.oauth) return new OAuthAuthenticator(config.oauth, { httpTimeoutMs: config.httpTimeoutMs, apiKeys: config.apiKeys });
  if (config.apiKeys.length > 0) return new ApiKeyAuthenticator(config.apiKeys);
  return undefined;
}

export interface RunningHttpKit {
  /** The MCP endpoint, e.g. http://127.0.0.1:8080/mcp (loopback when bound to all interfaces). */
  url: string;
  baseUrl: string;
  port: number;
  logger: Logger;
  metrics: KitMetrics;
  http: KitHttpServer;
  pool: McpServerPool;
  /** The direct path, when enabled and supported by the installed SDK. */
  fastPath: FastPath | undefined;
  /**
   * Graceful stop: readiness fails and new MCP requests get 503 at once, in-flight calls get up to
   * DRAIN_TIMEOUT to finish (then their handlers are aborted), then everything is closed.
   */
  shutdown(): Promise<{ drained: boolean }>;
}

export async function startHttpKit(catalog: CatalogServer, config: KitConfig, options: KitOptions = {}): Promise<RunningHttpKit> {
  const services = await buildServices(catalog, config, options, process.stdout);
  const { logger, metrics } = services;
  const exposed = services.catalog;
  const surface = services.surface;
  const build = catalog.mcpServer ? () => catalog.mcpServer!(toolCallObserver(metrics)) : () => buildMcpServer(exposed, services.runners, surface ? { surface } : {});
  const pool = new McpServerPool(build);
  const handler: McpHttpHandler = createMcpHandler(pool.factory, {
    legacy: 'stateless',
    // One JSON body per call: nothing in the catalog streams progress, and JSON is cheaper.
    responseMode: 'auto',
    maxRequestBodySize: config.maxBodyBytes,
    onerror: (error) => logger.debug('mcp handler reported', { error: error.message }),
  });
  // The direct path dispatches to kit-registered tools; a server that builds itself takes the SDK entry.
  const fastPath =
    options.fastPath === false || catalog.mcpServer
      ? undefined
      : await createFastPath(
          buildMcpServer(exposed, services.runners, { supportedProtocolVersions: [...SUPPORTED_PROTOCOL_VERSIONS, FAST_PATH_REVISION], ...(surface && { surface }) }),
          (error) => logger.debug('mcp handler reported', { error: error.message }),
        );
  if (options.fastPath !== false && !catalog.mcpServer && fastPath === undefined) logger.warn('fast path unavailable with this SDK version; serving every request through the SDK entry');
  const http = createKitHttpServer({
    config,
    serverName: catalog.name,
    logger,
    metrics,
    mcpHandler: createKitMcpHandler(handler, (error) => logger.error('mcp adapter failure', { error: error.message }), fastPath),
    authenticator: buildAuthenticator(config),
    authFailures: new AuthFailureThrottle({ failuresPerMinute: config.authFailuresPerMinute }),
    limiter: services.limiter,
    checkReady: () => services.checkReady(),
  });

  const { baseUrl, port, shutdown } = await listenKit(http, config, logger, {
    abortInFlight: () => services.shutdownController.abort(),
    async closeHandlers() {
      fastPath?.close();
      await handler.close();
    },
    closeSockets: () => http.close(Math.min(LINGER_MAX_MS, config.drainTimeoutMs)),
    closeServices: () => services.close(),
  });
  logger.info('listening', { address: `${config.host}:${port}`, mcpPath: config.mcpPath, tools: exposed.tools.map((tool) => tool.name) });

  return { url: `${baseUrl}${config.mcpPath}`, baseUrl, port, logger, metrics, http, pool, fastPath, shutdown };
}

export interface RunningStdioKit {
  logger: Logger;
  /** Resolves when the client closes stdin (the connection ended). */
  closed: Promise<void>;
  shutdown(): Promise<void>;
}

/** Serves one stdio connection (the client spawned us); logs go to stderr. */
export async function startStdioKit(catalog: CatalogServer, config: KitConfig, options: KitOptions = {}): Promise<RunningStdioKit> {
  const { serveStdio, StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  const services = await buildServices(catalog, config, options, process.stderr);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const transport = new StdioServerTransport();
  const handle = serveStdio(() => catalog.mcpServer?.(toolCallObserver(services.metrics)) ?? buildMcpServer(services.catalog, services.runners, services.surface ? { surface: services.surface } : {}), {
    transport,
    onerror: (error) => services.logger.warn('stdio protocol error', { error: error.message }),
  });
  // The client ends the session by closing our stdin (MCP stdio binding).
  process.stdin.once('end', resolveClosed);
  process.stdin.once('close', resolveClosed);
  services.logger.info('serving on stdio', { tools: services.catalog.tools.map((tool) => tool.name) });
  let stopping: Promise<void> | undefined;
  return {
    logger: services.logger,
    closed,
    shutdown: () =>
      (stopping ??= (async () => {
        services.shutdownController.abort();
        await handle.close();
        await services.close();
      })()),
  };
}
