// The operator's probe endpoint: /healthz and /livez (the process serves requests), /readyz
// (every readiness check passes — the informers have synced; a standby that is not leader is
// ready too, since it is a healthy hot spare). Metrics are served apart (metrics-server.ts), so
// a probe never needs credentials and a scrape never shares a port with the kubelet's probes.
import { sendText, startHttpEndpoint, type HttpEndpoint } from './http-endpoint.ts';
import type { Logger } from './logger.ts';

export type ReadinessCheck = () => boolean;

export interface HealthServerOptions {
  /** '0.0.0.0' in a pod; tests use '127.0.0.1'. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Named checks, e.g. {'informer:mcpservers': () => informer.hasSynced()}. */
  readiness: Record<string, ReadinessCheck>;
  logger: Logger;
}

export type HealthServer = HttpEndpoint;

export function evaluateReadiness(checks: Record<string, ReadinessCheck>): { ready: boolean; checks: Record<string, 'ok' | 'failed'> } {
  const results: Record<string, 'ok' | 'failed'> = {};
  let ready = true;
  for (const [name, check] of Object.entries(checks)) {
    let ok: boolean;
    try {
      ok = check();
    } catch {
      ok = false; // a throwing check reads as "not ready"; the body names it
    }
    results[name] = ok ? 'ok' : 'failed';
    ready &&= ok;
  }
  return { ready, checks: results };
}

export function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  return startHttpEndpoint({
    name: 'health',
    host: opts.host,
    port: opts.port,
    logger: opts.logger,
    handle(_req, res, path) {
      if (path === '/healthz' || path === '/livez') return sendText(res, 200, 'ok');
      if (path !== '/readyz') return sendText(res, 404, 'not found');
      const result = evaluateReadiness(opts.readiness);
      res.writeHead(result.ready ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(result) + '\n');
    },
  });
}
