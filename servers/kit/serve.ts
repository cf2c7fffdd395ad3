// Listening and graceful stop for a kit HTTP front, shared by catalog servers and the proxy:
// bind, report the loopback URL, and on shutdown drain (readiness fails, new MCP requests get
// 503), abort what is still running after DRAIN_TIMEOUT, then close sockets and dependencies.
import type { AddressInfo } from 'node:net';
import type { KitConfig } from './config.ts';
import type { KitHttpServer } from './httpServer.ts';
import type { Logger } from './logger.ts';

export interface ServingKit {
  /** e.g. http://127.0.0.1:8080 (loopback when bound to all interfaces). */
  baseUrl: string;
  port: number;
  shutdown(): Promise<{ drained: boolean }>;
}

export interface ServeHooks {
  /** Called when the drain starts, e.g. to end long-lived streams that would never finish. */
  beginDrain?(): void;
  /** Called when the drain deadline passed with requests still running. */
  abortInFlight(): void;
  /** Closes what the front used (handlers, caches, connections) after the sockets. */
  closeHandlers(): Promise<void>;
  /** Closes the listener and the connections (keep-alive sockets get told Connection: close). */
  closeSockets(): Promise<void>;
  closeServices(): Promise<void>;
}

export async function listenKit(http: KitHttpServer, config: KitConfig, logger: Logger, hooks: ServeHooks): Promise<ServingKit> {
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.port, config.host, () => {
      http.server.off('error', reject);
      resolve();
    });
  });
  const { port } = http.server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;

  let stopping: Promise<{ drained: boolean }> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      logger.info('draining', { inFlight: http.inFlight, drainTimeoutMs: config.drainTimeoutMs });
      const drained = http.drain(config.drainTimeoutMs);
      hooks.beginDrain?.();
      const { completed } = await drained;
      if (!completed) {
        logger.warn('drain timeout reached; aborting in-flight tool calls', { inFlight: http.inFlight });
        hooks.abortInFlight();
        await http.drain(1000);
      }
      await hooks.closeHandlers();
      await hooks.closeSockets();
      await hooks.closeServices();
      logger.info('stopped', { drained: completed });
      return { drained: completed };
    })());
  return { baseUrl: `http://${host}:${port}`, port, shutdown };
}
