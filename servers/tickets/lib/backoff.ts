// Retry timing for backend calls: exponential backoff with full jitter, or the server's
// Retry-After when it sent one, always capped. Pure (the random source is injectable).

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Delay before retry number `attempt` (1 = first retry). */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, retryAfter: string | null, random: () => number = Math.random): number {
  const fromHeader = parseRetryAfterMs(retryAfter);
  if (fromHeader !== undefined) return Math.min(fromHeader, policy.capMs);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function parseRetryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, rejecting early when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
