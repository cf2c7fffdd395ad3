// A work queue of object keys with client-go's semantics:
//  - a key is queued at most once (adding a queued key is a no-op: duplicates collapse);
//  - a key being processed is never handed to a second worker; adding it meanwhile marks it
//    dirty and it is re-queued when the worker calls done(key);
//  - addAfter delays a key (the earliest pending time wins), addRateLimited delays it by the
//    rate limiter (per-key exponential backoff + overall token bucket), forget resets backoff.
import type { OperatorMetrics } from '../observability/metrics.ts';
import { defaultControllerRateLimiter, monotonicClock, type Clock, type RateLimiter } from './ratelimit.ts';

export interface WorkQueueOptions {
  name: string;
  rateLimiter?: RateLimiter;
  metrics?: OperatorMetrics;
  clock?: Clock;
}

export class WorkQueue {
  readonly name: string;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  /** When each queued key was added, for the wait-time (queue latency) histogram. */
  private readonly addedAt = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: OperatorMetrics | undefined;
  private readonly clock: Clock;
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions) {
    this.name = opts.name;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter();
    this.metrics = opts.metrics;
    this.clock = opts.clock ?? monotonicClock;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.metrics?.queueAdds.inc({ name: this.name });
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (!(delayMs > 0)) return this.add(key);
    const at = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { at, timer });
  }

  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.metrics?.queueRetries.inc({ name: this.name });
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets the key's failure count (call after a successful reconcile). */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * Waits for the next key and marks it in flight. Resolves undefined when the queue shuts down
   * or `signal` aborts (a worker being stopped while the queue lives on).
   */
  get(signal?: AbortSignal): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined || this.shuttingDown || signal?.aborted) return Promise.resolve(key);
    return new Promise((resolve) => {
      const waiter = (k: string | undefined): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(k);
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Marks the key finished; if it was added while in flight, it goes back in the queue. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    this.metrics?.queueInFlight.set({ name: this.name }, this.processing.size);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
  }

  /** Keys waiting to be handed out (not delayed, not in flight). */
  get length(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  get pendingDelayed(): number {
    return this.delayed.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops accepting keys, cancels delayed ones and releases every waiting worker. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private enqueue(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      // Hand the key straight to an idle worker.
      this.addedAt.set(key, this.clock.now());
      this.queue.push(key);
      const taken = this.take();
      waiter(taken);
      return;
    }
    this.addedAt.set(key, this.clock.now());
    this.queue.push(key);
    this.metrics?.queueDepth.set({ name: this.name }, this.queue.length);
  }

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.queueWait.observe({ name: this.name }, (this.clock.now() - added) / 1000);
    this.metrics?.queueDepth.set({ name: this.name }, this.queue.length);
    this.metrics?.queueInFlight.set({ name: this.name }, this.processing.size);
    return key;
  }
}
