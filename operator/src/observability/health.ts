// The operator's HTTP endpoint: /healthz (the process serves requests), /readyz (every
// readiness check passes — the informers have synced; a standby that is not leader is ready
// too, since it is a healthy hot spare), /metrics (Prometheus text from the instance registry).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { errorMessage } from '../kube/errors.ts';
import type { Logger } from './logger.ts';

export type ReadinessCheck = () => boolean;

export interface HealthServerOptions {
  /** '0.0.0.0' in a pod; tests use '127.0.0.1'. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  registry: Registry;
  /** Named checks, e.g. {'informer:mcpservers': () => informer.hasSynced()}. */
  readiness: Record<string, ReadinessCheck>;
  logger: Logger;
}

export interface HealthServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

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

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      opts.logger.error('health endpoint failed', { path: req.url, error: errorMessage(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  // Keep-alive sockets from scrapers must not hold close() open forever.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  opts.logger.info('health server listening', { host: opts.host, port });
  return {
    port,
    url: `http://${hostForUrl}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, opts: HealthServerOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
    res.end('method not allowed\n');
    return;
  }
  switch (path) {
    case '/healthz':
    case '/livez':
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok\n');
      return;
    case '/readyz': {
      const result = evaluateReadiness(opts.readiness);
      res.writeHead(result.ready ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(result) + '\n');
      return;
    }
    case '/metrics': {
      const body = await opts.registry.metrics();
      res.writeHead(200, { 'Content-Type': opts.registry.contentType });
      res.end(body);
      return;
    }
    default:
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
  }
}
