// Test helpers shared by the runtime's tests: bounded polling and a log capture.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../observability/logger.ts';

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws `what`). */
export async function pollUntil<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000, intervalMs = 10): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, unknown>[];
}

/** A JSON logger whose lines are parsed into `lines`. */
export function captureLogs(level: 'error' | 'warn' | 'info' | 'debug' = 'debug'): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      partial += chunk.toString('utf8');
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  return { logger: createLogger({ level, stream }), lines };
}
