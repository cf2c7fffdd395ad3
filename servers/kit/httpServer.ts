// The kit's HTTP front: health, readiness and metrics endpoints, RFC 9728 metadata, and the MCP
// endpoint behind Host/Origin checks (with CORS for allowed origins), failed-auth throttling,
// auth, rate limiting and a body cap, handing accepted requests to the SDK's stateless handler
// (2026-07-28, with the 2025 fallback). On drain every response says Connection: close, so
// keep-alive clients move to another replica instead of hitting a closed socket (connections.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Authenticator } from './auth.ts';
import { protectedResourceMetadata, protectedResourceMetadataUrl } from './auth.ts';
import { readBody } from './body.ts';
import { addressKey, clientAddress } from './clientAddress.ts';
import type { KitConfig } from './config.ts';
import { trackConnections } from './connections.ts';
import { corsHeaders, preflightHeaders } from './cors.ts';
import { isHostAllowed, isOriginAllowed, parseHostHeader } from './hostOrigin.ts';
import { sendJson, sendJsonRpcError, sendText } from './httpResponses.ts';
import type { KitMcpHandler } from './nodeAdapter.ts';
import type { Logger } from './logger.ts';
import type { KitMetrics } from './metrics.ts';
import type { AuthFailureThrottle, RequestLimiter } from './rateLimit.ts';
import { requestIdFrom, runInRequestScope } from './requestScope.ts';
import { traceExchange } from './tracing/exchange.ts';

const WELL_KNOWN_PRM = '/.well-known/oauth-protected-resource';

export interface KitHttpDeps {
  config: KitConfig;
  serverName: string;
  logger: Logger;
  metrics: KitMetrics;
  mcpHandler: KitMcpHandler;
  authenticator: Authenticator | undefined;
  /** Failed authentications per client address; consulted only when auth is on. */
  authFailures: AuthFailureThrottle | undefined;
  limiter: RequestLimiter | undefined;
  /** Throws when a dependency is unusable. */
  checkReady: () => Promise<void>;
}

export interface KitHttpServer {
  server: Server;
  /** MCP requests currently being served. */
  readonly inFlight: number;
  readonly draining: boolean;
  /** From now on readiness fails and new MCP requests get 503; resolves when none are in flight or the deadline passes. */
  drain(deadlineMs: number): Promise<{ completed: boolean }>;
  /**
   * Closes every connection and the listener. Keep-alive sockets get up to `lingerMs` to send
   * their next request (answered 503 + Connection: close) or to sit idle long enough that closing
   * them cannot race a request already on its way.
   */
  close(lingerMs: number): Promise<void>;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query < 0 ? raw : raw.slice(0, query);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Node keeps only the first of several Host headers; a request carrying two is ambiguous. */
function hostHeaderCount(req: IncomingMessage): number {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]?.toLowerCase() === 'host') count += 1;
  return count;
}

export function createKitHttpServer(deps: KitHttpDeps): KitHttpServer {
  const { config, logger, metrics } = deps;
  // winston runs its formats even for filtered levels; skip the access log when it is off.
  const accessLogEnabled = logger.isLevelEnabled('http');
  const prmPaths = new Set([WELL_KNOWN_PRM, `${WELL_KNOWN_PRM}${config.mcpPath}`]);
  let inFlight = 0;
  let draining = false;
  const idleWaiters: (() => void)[] = [];

  const routeLabel = (path: string): string => {
    if (path === config.mcpPath) return config.mcpPath;
    if (path === '/healthz' || path === '/readyz' || path === '/metrics') return path;
    if (prmPaths.has(path)) return WELL_KNOWN_PRM;
    return 'other';
  };

  /** The public URL of the MCP endpoint: configured, or reconstructed from the (validated) request. */
  const resourceUrlFor = (req: IncomingMessage): string => {
    if (config.oauth?.resourceUrl) return config.oauth.resourceUrl;
    const proto = headerValue(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
    return `${proto}://${req.headers.host ?? 'localhost'}${config.mcpPath}`;
  };

  const readiness = async (res: ServerResponse) => {
    if (draining) return sendJson(res, 503, { status: 'draining' });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.checkReady(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`readiness check timed out after ${config.httpTimeoutMs}ms`)), config.httpTimeoutMs);
        }),
      ]);
      sendJson(res, 200, { status: 'ready' });
    } catch (error) {
      logger.warn('readiness check failed', { error: (error as Error).message });
      sendJson(res, 503, { status: 'not ready', reason: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  };

  const serveMcp = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    const traced = traceExchange(req, res, config.mcpPath);
    if (draining) {
      req.resume();
      return sendJsonRpcError(res, 503, 'The server is shutting down; retry on another replica.', { 'retry-after': '1', connection: 'close' });
    }
    const hostHeader = req.headers.host;
    if (hostHeader === undefined || parseHostHeader(hostHeader) === undefined) {
      req.resume();
      return sendJsonRpcError(res, 400, `The Host header ${hostHeader === undefined ? 'is missing' : `"${hostHeader}" is malformed`}; send host or host:port (port 1-65535).`);
    }
    if (!isHostAllowed(hostHeader, config.allowedHosts)) {
      logger.warn('refused request for unknown host', { requestId, host: hostHeader });
      req.resume();
      return sendJsonRpcError(res, 403, `Host "${hostHeader}" is not allowed; add it to ALLOWED_HOSTS.`);
    }
    const origin = headerValue(req.headers.origin);
    if (!isOriginAllowed(origin, config.allowedOrigins, hostHeader)) {
      logger.warn('refused request from unknown origin', { requestId, origin });
      req.resume();
      return sendJsonRpcError(res, 403, `Origin "${origin ?? ''}" is not allowed; add it to ALLOWED_ORIGINS.`);
    }
    if (origin !== undefined && origin !== '') {
      if (req.method === 'OPTIONS') {
        req.resume();
        res.writeHead(204, preflightHeaders(origin));
        return res.end();
      }
      for (const [name, value] of Object.entries(corsHeaders(origin))) res.setHeader(name, value);
    }

    // Behind trusted proxies the client named in X-Forwarded-For, else the direct peer.
    const address = addressKey(clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustedProxies));
    let identity = `ip:${address}`;
    let authInfo: unknown;
    if (deps.authenticator) {
      const throttled = deps.authFailures?.check(address);
      if (throttled && !throttled.allowed) {
        metrics.rateLimited.inc();
        req.resume();
        return sendJsonRpcError(res, 429, `Too many failed authentication attempts from this address; retry after ${throttled.retryAfterSeconds}s.`, {
          'retry-after': String(throttled.retryAfterSeconds),
        });
      }
      const metadataUrl = config.oauth ? protectedResourceMetadataUrl(resourceUrlFor(req)) : undefined;
      const outcome = await deps.authenticator.authenticate(req.headers, metadataUrl);
      if (!outcome.ok) {
        const { refusal } = outcome;
        deps.authFailures?.recordFailure(address);
        logger.info('refused unauthenticated request', { requestId, status: refusal.status, reason: refusal.error });
        req.resume();
        // A JSON-RPC error body, so MCP clients show the message (what to send) to the user.
        return sendJson(
          res,
          refusal.status,
          { jsonrpc: '2.0', id: null, error: { code: -32001, message: refusal.description, data: { error: refusal.error, error_description: refusal.description } } },
          { 'www-authenticate': refusal.wwwAuthenticate },
        );
      }
      identity = outcome.client.identity;
      authInfo = outcome.client.authInfo;
    }

    if (deps.limiter) {
      const decision = await deps.limiter.take(identity);
      if (!decision.allowed) {
        metrics.rateLimited.inc();
        req.resume();
        const message =
          decision.reason === 'quota'
            ? `Daily quota exceeded (RATE_LIMIT_DAILY_QUOTA); it resets at 00:00 UTC, in ${decision.retryAfterSeconds}s.`
            : `Rate limit exceeded; retry after ${decision.retryAfterSeconds}s.`;
        return sendJsonRpcError(res, 429, message, { 'retry-after': String(decision.retryAfterSeconds) });
      }
    }

    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
    });

    let parsedBody: unknown;
    if (req.method === 'POST') {
      const body = await readBody(req, config.maxBodyBytes);
      if (body.kind === 'too_large') {
        return sendJsonRpcError(res, 413, `Request body exceeds MAX_BODY_BYTES (${config.maxBodyBytes} bytes).`, { connection: 'close' });
      }
      if (body.kind === 'aborted') return;
      try {
        parsedBody = JSON.parse(body.text);
      } catch {
        return sendJsonRpcError(res, 400, 'Parse error: the request body is not valid JSON.', {}, -32700);
      }
    }
    await traced.run(parsedBody, () => runInRequestScope({ requestId, identity }, () => deps.mcpHandler(req, res, parsedBody, authInfo)));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const path = pathOf(req.url);
    const route = routeLabel(path);
    const method = req.method ?? 'GET';
    res.setHeader('x-request-id', requestId);
    if (draining) res.setHeader('connection', 'close');
    if (hostHeaderCount(req) > 1) {
      req.resume();
      return sendJson(res, 400, { error: 'The request carries more than one Host header; send exactly one.' }, { connection: 'close' });
    }
    res.once('finish', () => {
      const labels = { method, path: route, status: String(res.statusCode) };
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      if (accessLogEnabled && route !== '/healthz' && route !== '/readyz' && route !== '/metrics') {
        logger.http('request', { requestId, method, path: route, status: res.statusCode, durationMs: Math.round(seconds * 1000) });
      }
    });

    if (path === config.mcpPath) return serveMcp(req, res, requestId);
    if (method !== 'GET' && method !== 'HEAD') {
      req.resume();
      return sendJson(res, 405, { error: `${method} is not allowed on ${path}` }, { allow: 'GET' });
    }
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') return readiness(res);
    if (path === '/metrics') return sendText(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
    if (prmPaths.has(path) && config.oauth) {
      return sendJson(res, 200, protectedResourceMetadata(config.oauth, resourceUrlFor(req), deps.serverName), {
        'access-control-allow-origin': '*',
        'cache-control': 'max-age=300',
      });
    }
    return sendJson(res, 404, { error: `Not found: the MCP endpoint is ${config.mcpPath}` });
  };

  const server = createServer((req, res) => {
    connections.onRequest(req, res);
    handle(req, res).catch((error: unknown) => {
      logger.error('unhandled error in HTTP handler', { error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
      if (!res.headersSent) sendJsonRpcError(res, 500, 'Internal server error.', {}, -32603);
      else res.destroy();
    });
  });
  // Slow clients must not pin sockets forever; generous enough for long tool calls.
  server.requestTimeout = Math.max(config.toolTimeoutMs + 10_000, 30_000);
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000; // longer than common load-balancer idle timeouts (ALB: 60s)
  const connections = trackConnections(server);

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    get draining() {
      return draining;
    },
    drain(deadlineMs: number) {
      draining = true;
      // Responses already being written close their connection too.
      connections.closeAfterCurrentResponses();
      if (inFlight === 0) return Promise.resolve({ completed: true });
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ completed: false }), deadlineMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve({ completed: true });
        });
      });
    },
    close: (lingerMs: number) => connections.closeAll(lingerMs),
  };
}
