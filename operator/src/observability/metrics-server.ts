// The operator's /metrics endpoint: Prometheus text from the instance registry, over HTTPS and
// for authorized scrapers only (TokenReview + SubjectAccessReview) unless --metrics-secure=false.
import type { Registry } from 'prom-client';
import { sendText, startHttpEndpoint, type HttpEndpoint } from './http-endpoint.ts';
import type { Logger } from './logger.ts';
import type { MetricsAuthorizer } from './metrics-auth.ts';

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** Absent: anyone who reaches the port may scrape (local runs, --metrics-secure=false). */
  authorizer?: MetricsAuthorizer;
  tls?: { cert: string; key: string };
  logger: Logger;
}

export function startMetricsServer(opts: MetricsServerOptions): Promise<HttpEndpoint> {
  return startHttpEndpoint({
    name: 'metrics',
    host: opts.host,
    port: opts.port,
    ...(opts.tls ? { tls: opts.tls } : {}),
    logger: opts.logger,
    async handle(req, res, path) {
      if (path !== '/metrics') return sendText(res, 404, 'not found');
      if (opts.authorizer) {
        const decision = await opts.authorizer.authorize(req.headers.authorization, path, 'get');
        if (decision.status !== 200) return sendText(res, decision.status, decision.message);
      }
      const body = await opts.registry.metrics();
      res.writeHead(200, { 'Content-Type': opts.registry.contentType });
      res.end(body);
    },
  });
}
