// `mcpfleet-server proxy`: the kit in front of another MCP server (UPSTREAM_URL), as the sidecar
// the operator adds to image servers. SIGTERM drains like a catalog server.
import { ConfigError } from '../kit/env.ts';
import { createLogger } from '../kit/logger.ts';
import { TRACE_FLUSH_TIMEOUT_MS, startProcessTracing } from '../kit/tracing/process.ts';
import { parseProxyConfig } from './config.ts';
import { startProxy } from './run.ts';

export async function runProxy(env: Record<string, string | undefined>): Promise<void> {
  let config;
  let tracing;
  let logger;
  try {
    config = parseProxyConfig(env);
    logger = createLogger({ level: config.kit.logLevel, stream: process.stdout, knownSecrets: config.kit.apiKeys, defaultMeta: { server: 'proxy' } });
    tracing = await startProcessTracing('mcpfleet-proxy', logger, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mcpfleet-server proxy: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const proxy = await startProxy(config, { logger });
  const stop = (signal: string) => {
    proxy.logger.info('signal received', { signal });
    proxy.shutdown().then(
      () => tracing.shutdown(TRACE_FLUSH_TIMEOUT_MS).then(() => process.exit(0)),
      (error: unknown) => {
        proxy.logger.error('shutdown failed', { error: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
