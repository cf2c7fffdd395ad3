// One small HTTP(S) listener of the operator (health probes, metrics): listen, route GET/HEAD
// to a handler, turn a failing handler into a 500 with a log line, close without waiting on
// keep-alive sockets.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../kube/errors.ts';
import { urlOf } from './bind-address.ts';
import type { Logger } from './logger.ts';

export interface HttpEndpoint {
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface HttpEndpointOptions {
  /** For logs: 'health' or 'metrics'. */
  name: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Serve HTTPS with this certificate. */
  tls?: { cert: string; key: string };
  logger: Logger;
  handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> | void;
}

export function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

export async function startHttpEndpoint(opts: HttpEndpointOptions): Promise<HttpEndpoint> {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    Promise.resolve(opts.handle(req, res, path)).catch((err: unknown) => {
      opts.logger.error(`${opts.name} endpoint failed`, { path, error: errorMessage(err) });
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.end();
    });
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : http.createServer(listener);
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
  const url = urlOf(opts.tls ? 'https' : 'http', opts.host, port);
  opts.logger.info(`${opts.name} server listening`, { host: opts.host, port, url });
  return {
    port,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
