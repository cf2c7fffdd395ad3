// Log lines that can repeat once per request (a dependency down, a flood of bad calls) are
// written at most once per interval per message, with the number suppressed since the last one,
// so an outage costs a few lines instead of one per call.
import type { Logger } from './logger.ts';

export function throttledLog(
  logger: Logger,
  level: 'error' | 'warn' | 'info',
  intervalMs: number,
  now: () => number = Date.now,
): (message: string, meta?: Record<string, unknown>) => void {
  const lastWritten = new Map<string, { at: number; suppressed: number }>();
  return (message, meta = {}) => {
    const at = now();
    const last = lastWritten.get(message);
    if (last !== undefined && at - last.at < intervalMs) {
      last.suppressed += 1;
      return;
    }
    lastWritten.set(message, { at, suppressed: 0 });
    logger.log(level, message, { ...meta, ...(last && last.suppressed > 0 && { suppressedSinceLast: last.suppressed }) });
  };
}
