// Tracing for a server process (catalog server or proxy): started from OTEL_* before the server
// listens, flushed after it has drained. A bad OTEL_* value is a ConfigError like any other
// setting; export failures are logged (throttled by the SDK wrapper), never thrown.
import type { Logger } from '../logger.ts';
import type { TracingHandle } from './start.ts';
import { startTracing } from './start.ts';

/** The final flush gets at most this long: the pod's grace period is already mostly spent. */
export const TRACE_FLUSH_TIMEOUT_MS = 3000;

export async function startProcessTracing(serviceName: string, logger: Logger, env: Readonly<Record<string, string | undefined>> = process.env): Promise<TracingHandle> {
  const tracing = await startTracing({ serviceName, env, onExportFailure: (message) => logger.warn(message) });
  if (tracing.enabled) logger.info('tracing on', { serviceName: env.OTEL_SERVICE_NAME?.trim() || serviceName });
  return tracing;
}
