// Jittered exponential backoff. Jitter spreads the retries of many replicas/informers that fail
// together (an API server restart) so they do not return in lockstep.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt; 2 doubles. */
  factor?: number;
}

/**
 * The delay before retry number `attempt` (0-based): min(max, initial·factor^attempt), then
 * "equal jitter" — uniformly within [d/2, d] — so it never collapses to zero.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const factor = opts.factor ?? 2;
  const exp = Math.min(opts.maxMs, opts.initialMs * Math.pow(factor, Math.max(0, attempt)));
  const capped = Number.isFinite(exp) ? exp : opts.maxMs;
  return Math.round(capped / 2 + random() * (capped / 2));
}

export class Backoff {
  private attempt = 0;
  private readonly opts: BackoffOptions;
  private readonly random: () => number;

  constructor(opts: BackoffOptions, random: () => number = Math.random) {
    if (!(opts.initialMs > 0) || !(opts.maxMs >= opts.initialMs)) {
      throw new Error(`invalid backoff: initialMs (${opts.initialMs}) must be > 0 and ≤ maxMs (${opts.maxMs})`);
    }
    this.opts = opts;
    this.random = random;
  }

  next(): number {
    return backoffDelay(this.attempt++, this.opts, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
