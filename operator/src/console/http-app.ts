// The console's HTTP surface: the JSON API, the two Server-Sent-Event streams and the built
// frontend, behind the Host, CSRF and viewer checks. Handlers only translate HTTP; the work is
// done by FleetHub, ServerService and MetricsSampler.
import express, { type NextFunction, type Request, type Response } from 'express';
import { errorMessage } from '../kube/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { CallRequest, MetricsEvent, ViewerInfo } from './api-types.ts';
import type { FleetHub } from './fleet-hub.ts';
import type { MetricsWatcher } from './metrics/watcher.ts';
import { InFlight, LIMITS } from './limits.ts';
import { checkCsrf, checkHost, csrfTokenFor, SECURITY_HEADERS } from './security.ts';
import type { ServerService } from './server-service.ts';
import { openSse } from './sse.ts';
import { viewerOf, type Viewer, type ViewerHeaders, type ViewerMode } from './viewer.ts';

export interface AppOptions {
  hub: FleetHub;
  service: ServerService;
  metrics: MetricsWatcher;
  mode: ViewerMode;
  viewerHeaders: ViewerHeaders | undefined;
  allowedHosts: string[];
  /** Key of the per-viewer CSRF tokens (random per process). */
  csrfSecret: string;
  /** The built frontend (index.html + assets); undefined serves the API only. */
  staticDir: string | undefined;
  logger: Logger;
  limits?: { streams: number; calls: number; details: number };
}

/** Largest playground request body. */
const MAX_CALL_BODY = '1mb';
const TOOL_NAME_MAX = 256;

type Locals = { viewer: Viewer };

function viewerOfResponse(res: Response): Viewer {
  return (res.locals as Locals).viewer;
}

function fail(res: Response, status: number, message: string): void {
  res.status(status).json({ error: message });
}

export function createConsoleApp(opts: AppOptions): express.Express {
  const app = express();
  const limits = opts.limits ?? LIMITS;
  const streams = new InFlight(limits.streams);
  const calls = new InFlight(limits.calls);
  const details = new InFlight(limits.details);
  /** Runs `handler` only when there is room; a full console answers at once and says so. */
  const bounded = (slots: InFlight, what: string, handler: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response) => {
    const release = slots.tryAcquire();
    if (!release) {
      res.set('retry-after', '5');
      return fail(res, what === 'streams' ? 503 : 429, `too many ${what} at once (limit ${slots.max}); try again shortly`);
    }
    res.once('close', release);
    try {
      await handler(req, res);
    } finally {
      // A stream holds its slot until the browser goes away; other requests release when done.
      if (what !== 'streams') release();
    }
  };
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    const refusal = checkHost(req.headers, opts.allowedHosts);
    if (refusal) return fail(res, refusal.status, refusal.message);
    // Only the API takes writes (and it checks them once the viewer is known); nothing else does.
    if (req.method !== 'GET' && req.method !== 'HEAD' && !req.path.startsWith('/api/')) return fail(res, 405, `${req.method} is not allowed here`);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', synced: opts.hub.hasSynced() });
  });

  app.use('/api', (req, res, next) => {
    res.set('cache-control', 'no-store');
    const viewer = viewerOf(opts.mode, req.headers, opts.viewerHeaders);
    if (!viewer) return fail(res, 401, `no viewer identity: the authenticating proxy did not send ${opts.viewerHeaders?.user ?? 'the user header'}`);
    const csrf = checkCsrf(req.method, req.headers, csrfTokenFor(opts.csrfSecret, viewer));
    if (csrf) return fail(res, csrf.status, csrf.message);
    (res.locals as Locals).viewer = viewer;
    next();
  });

  app.get('/api/viewer', (_req, res) => {
    const viewer = viewerOfResponse(res);
    const info: ViewerInfo = { mode: opts.mode, csrfToken: csrfTokenFor(opts.csrfSecret, viewer), ...(viewer.kind === 'user' ? { user: viewer.user } : {}) };
    res.json(info);
  });

  app.get(
    '/api/fleet/events',
    bounded(streams, 'streams', (req, res) => {
      opts.hub.subscribe(openSse(req, res), viewerOfResponse(res));
    }),
  );

  /** The McpServer named in the path, when this viewer may see it; otherwise answers 404 itself. */
  async function visibleServer(req: Request, res: Response): Promise<McpServer | undefined> {
    const namespace = String(req.params.namespace);
    const name = String(req.params.name);
    const server = opts.hub.get(namespace, name);
    if (!server || !(await opts.hub.mayList(viewerOfResponse(res), namespace))) {
      fail(res, 404, `McpServer ${namespace}/${name} not found`);
      return undefined;
    }
    return server;
  }

  app.get(
    '/api/servers/:namespace/:name',
    bounded(details, 'server pages', async (req, res) => {
      const server = await visibleServer(req, res);
      if (server) res.json(await opts.service.detail(viewerOfResponse(res), server));
    }),
  );

  app.get(
    '/api/servers/:namespace/:name/metrics/events',
    bounded(streams, 'streams', async (req, res) => {
      const server = await visibleServer(req, res);
      if (!server) return;
      const stream = openSse(req, res);
      const key = `${server.metadata.namespace ?? 'default'}/${server.metadata.name ?? ''}`;
      const stop = opts.metrics.watch(key, (event) => {
        const message: MetricsEvent = 'point' in event ? { type: 'point', point: event.point } : 'history' in event ? { type: 'history', points: event.history } : { type: 'error', message: event.error };
        stream.send(message);
      });
      stream.onClose(stop);
    }),
  );

  app.post(
    '/api/servers/:namespace/:name/call',
    express.json({ limit: MAX_CALL_BODY, strict: true }),
    bounded(calls, 'playground calls', async (req, res) => {
      const body = req.body as Partial<CallRequest> | undefined;
      if (typeof body?.tool !== 'string' || body.tool === '' || body.tool.length > TOOL_NAME_MAX) return fail(res, 400, `"tool" must be a tool name of 1 to ${TOOL_NAME_MAX} characters`);
      const args = body.arguments ?? {};
      if (typeof args !== 'object' || args === null || Array.isArray(args)) return fail(res, 400, '"arguments" must be a JSON object');
      const server = await visibleServer(req, res);
      if (!server) return;
      const result = await opts.service.call(viewerOfResponse(res), server, body.tool, args);
      if ('refused' in result) return fail(res, 403, result.refused);
      res.json(result);
    }),
  );

  app.use('/api', (_req, res) => fail(res, 404, 'no such API'));

  if (opts.staticDir) app.use(express.static(opts.staticDir, { index: 'index.html', fallthrough: true, dotfiles: 'ignore' }));

  // Bad JSON, oversized bodies and handler bugs end here: a clear answer, never a crash.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return fail(res, status, errorMessage(error));
    opts.logger.error('console request failed', { error: errorMessage(error) });
    fail(res, 500, 'internal error');
  });
  return app;
}
