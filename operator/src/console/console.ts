// Wires the console together: a Kubernetes client with the viewer's (or the ServiceAccount's)
// identity, the live fleet, per-server detail and playground, metrics sampling, and the HTTP
// server on the configured address. startConsole() returns once it listens.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient, loadKubeConfig } from '../kube/client.ts';
import type { Logger } from '../observability/logger.ts';
import { serviceDnsResolver, type EndpointResolver } from '../mcpserver/verifier.ts';
import { createAccessReviewer } from './access.ts';
import type { ConsoleConfig } from './config.ts';
import { FleetHub } from './fleet-hub.ts';
import { createConsoleApp } from './http-app.ts';
import { prometheusSource } from './metrics/prometheus-source.ts';
import { scrapeSource } from './metrics/scrape-source.ts';
import { MetricsWatcher } from './metrics/watcher.ts';
import { ServerService } from './server-service.ts';

export interface ConsoleDeps {
  logger: Logger;
  /** How servers are reached: Service DNS by default, local processes under kube-sim. */
  resolver?: EndpointResolver;
  /** Overrides the in-flight limits (tests use small ones). */
  limits?: { streams: number; calls: number; details: number };
}

export interface RunningConsole {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** How long an access-review answer is reused. */
const ACCESS_CACHE_MS = 10_000;

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startConsole(config: ConsoleConfig, deps: ConsoleDeps): Promise<RunningConsole> {
  const kc = loadKubeConfig({ kubeconfigPath: config.kubeconfig, context: config.context });
  const client = new KubeClient({ kc, userAgent: 'mcpfleet-console', requestTimeoutMs: 15_000 });
  const reviewer = createAccessReviewer(client, { cacheTtlMs: ACCESS_CACHE_MS });
  const hub = new FleetHub({ client, reviewer, logger: deps.logger, namespace: config.namespace });
  const service = new ServerService({ client, reviewer, resolver: deps.resolver ?? serviceDnsResolver, mcpTimeoutMs: config.mcpTimeoutMs });
  const timeoutMs = Math.min(config.metricsIntervalMs, 5_000);
  const source = config.prometheusUrl
    ? prometheusSource({ url: config.prometheusUrl, rateWindow: config.prometheusRateWindow, backfillSeconds: 15 * 60, stepSeconds: Math.max(1, Math.round(config.metricsIntervalMs / 1000)), timeoutMs })
    : scrapeSource({
        timeoutMs,
        targets: async (key) => {
          const [namespace = '', name = ''] = key.split('/');
          const server = hub.get(namespace, name);
          return server ? service.metricsTargets(server) : [];
        },
      });
  const metrics = new MetricsWatcher(source, { intervalMs: config.metricsIntervalMs, historySize: 180 });
  const app = createConsoleApp({
    hub,
    service,
    metrics,
    mode: config.mode,
    viewerHeaders: config.viewerHeaders,
    allowedHosts: config.allowedHosts,
    csrfSecret: randomBytes(32).toString('base64url'),
    staticDir: config.staticDir,
    logger: deps.logger,
    ...(deps.limits ? { limits: deps.limits } : {}),
  });
  hub.start();
  const server = createServer({ requestTimeout: 60_000, headersTimeout: 20_000 }, app);
  const address = await listen(server, config.host, config.port);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    port: address.port,
    async stop() {
      metrics.stopAll();
      await hub.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
