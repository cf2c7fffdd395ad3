// Runs one catalog server from the environment until SIGTERM: kit settings, the server's own
// settings, Streamable HTTP (or stdio), graceful drain. Used by the full servers entry point and
// by the stdio bridge's self-contained bundle. Exit codes: 0 clean stop, 1 runtime failure, 2 bad config.
import type { CatalogOpener } from './catalog.ts';
import { parseKitConfig } from './kit/config.ts';
import { ConfigError } from './kit/env.ts';
import { createLogger } from './kit/logger.ts';
import { startHttpKit, startStdioKit } from './kit/runtime.ts';
import { TRACE_FLUSH_TIMEOUT_MS, startProcessTracing } from './kit/tracing/process.ts';

function isConfigError(error: unknown): boolean {
  return error instanceof ConfigError;
}

export async function runServer(name: string, opener: CatalogOpener): Promise<void> {
  let config;
  try {
    config = parseKitConfig(process.env);
  } catch (error) {
    if (isConfigError(error)) {
      process.stderr.write(`mcpfleet-server: ${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const logger = createLogger({
    level: config.logLevel,
    // In stdio mode stdout carries the protocol, so logs go to stderr.
    stream: config.transport === 'stdio' ? process.stderr : process.stdout,
    knownSecrets: config.apiKeys,
    defaultMeta: { server: name },
  });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error: { message: error.message, stack: error.stack } });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: reason instanceof Error ? { message: reason.message, stack: reason.stack } : String(reason) });
  });

  let tracing;
  try {
    tracing = await startProcessTracing(name, logger);
  } catch (error) {
    process.stderr.write(`mcpfleet-server: ${(error as Error).message}\n`);
    process.exit(isConfigError(error) ? 2 : 1);
  }

  let catalogServer;
  try {
    catalogServer = await opener(process.env, { logger, httpTimeoutMs: config.httpTimeoutMs });
  } catch (error) {
    logger.error('cannot start catalog server', { error: (error as Error).message });
    process.exit(isConfigError(error) ? 2 : 1);
  }

  if (config.transport === 'stdio') {
    const kit = await startStdioKit(catalogServer, config, { logger });
    const stop = () => void kit.shutdown().then(() => tracing.shutdown(TRACE_FLUSH_TIMEOUT_MS)).then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await kit.closed;
    await kit.shutdown();
    await tracing.shutdown(TRACE_FLUSH_TIMEOUT_MS);
    process.exit(0);
  }

  const kit = await startHttpKit(catalogServer, config, { logger });
  const stop = (signal: string) => {
    logger.info('signal received', { signal });
    kit.shutdown().then(
      // Spans of the drained requests are flushed after the drain, within a deadline of their own.
      () => tracing.shutdown(TRACE_FLUSH_TIMEOUT_MS).then(() => process.exit(0)),
      (error: unknown) => {
        logger.error('shutdown failed', { error: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
