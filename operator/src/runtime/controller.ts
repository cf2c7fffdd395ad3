// The controller loop: N workers take keys from the queue and call reconcile(key). The
// reconciler re-reads state itself (it never sees the event that enqueued the key). A thrown
// error means retry with per-key backoff; {requeueAfterMs} asks for a timed revisit.
// start()/stop() can be called repeatedly: leader election stops the workers the moment the
// lease is lost and starts them again when it is won, while the queue keeps collecting keys.
import { randomUUID } from 'node:crypto';
import { NotLeaderError, errorMessage } from '../kube/errors.ts';
import { errorFields, reconcileLogger, type Logger } from '../observability/logger.ts';
import type { OperatorMetrics, ReconcileResult } from '../observability/metrics.ts';
import { reconcileSpan, setReconcileResult } from '../observability/tracing.ts';
import type { WorkQueue } from './workqueue.ts';

export interface ReconcileContext {
  /** Child logger carrying controller, namespace, name and reconcileId. */
  logger: Logger;
  reconcileId: string;
  /** Aborted when the controller stops (lost lease, shutdown): stop early, do not write. */
  signal: AbortSignal;
}

export type ReconcileOutcome = { requeueAfterMs?: number } | void;
export type ReconcileFn = (key: string, ctx: ReconcileContext) => Promise<ReconcileOutcome>;

export interface ControllerOptions {
  name: string;
  queue: WorkQueue;
  workers: number;
  reconcile: ReconcileFn;
  logger: Logger;
  metrics?: OperatorMetrics;
}

export class Controller {
  readonly name: string;
  private readonly opts: ControllerOptions;
  private abort: AbortController | undefined;
  private workers: Promise<void>[] = [];

  constructor(opts: ControllerOptions) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new Error(`controller ${opts.name}: workers must be an integer ≥ 1, got ${opts.workers}`);
    this.name = opts.name;
    this.opts = opts;
  }

  get running(): boolean {
    return this.abort !== undefined;
  }

  /** Starts the workers (no-op when already running). */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.workers = Array.from({ length: this.opts.workers }, (_, i) => this.worker(i, abort.signal));
    this.opts.logger.info('controller started', { controller: this.name, workers: this.opts.workers });
  }

  /**
   * Stops taking keys at once and aborts the in-flight reconciles' signal; resolves when every
   * in-flight reconcile has returned. The queue is left alone (it may be restarted later).
   */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    this.abort = undefined;
    abort.abort(new Error(`controller ${this.name} stopped`));
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers);
    this.opts.logger.info('controller stopped', { controller: this.name });
  }

  private async worker(index: number, signal: AbortSignal): Promise<void> {
    const { queue } = this.opts;
    while (!signal.aborted) {
      const key = await queue.get(signal);
      if (key === undefined) break;
      try {
        await this.processOne(key, signal);
      } finally {
        queue.done(key);
      }
    }
    this.opts.logger.debug('worker exited', { controller: this.name, worker: index });
  }

  private processOne(key: string, signal: AbortSignal): Promise<void> {
    const reconcileId = randomUUID();
    return reconcileSpan({ controller: this.name, key, reconcileId }, async (span) => {
      const result = await this.reconcileOnce(key, reconcileId, signal);
      setReconcileResult(span, result === 'success' ? 'ok' : result);
    });
  }

  private async reconcileOnce(key: string, reconcileId: string, signal: AbortSignal): Promise<ReconcileResult> {
    const { queue, metrics } = this.opts;
    const logger = reconcileLogger(this.opts.logger, { controller: this.name, key, reconcileId });
    const started = performance.now();
    let result: ReconcileResult;
    try {
      const outcome = await this.opts.reconcile(key, { logger, reconcileId, signal });
      queue.forget(key);
      const requeueAfterMs = outcome?.requeueAfterMs;
      if (requeueAfterMs !== undefined && requeueAfterMs >= 0) {
        // At least 1 ms: a timer, never a synchronous re-add, so a reconciler that always asks
        // for an immediate requeue cannot starve the event loop.
        queue.addAfter(key, Math.max(1, requeueAfterMs));
        result = 'requeue';
      } else {
        result = 'success';
      }
      logger.debug('reconciled', { result, requeueAfterMs, durationMs: Math.round(performance.now() - started) });
    } catch (err) {
      if (signal.aborted) {
        // The controller is stopping (lease lost, shutdown): not a failure of the object. Keep
        // the key for the next leader term; the worker exits, so this cannot spin.
        result = 'not_leader';
        queue.add(key);
        logger.info('reconcile interrupted: controller stopping', { error: errorMessage(err) });
      } else if (err instanceof NotLeaderError) {
        // A write was refused but the workers are still running (the lease was lost and the
        // stop is on its way). Not counted as an error, but delayed with backoff: re-adding at
        // once would spin on a key that cannot make progress.
        result = 'not_leader';
        queue.addRateLimited(key);
        logger.info('reconcile interrupted: not leader', { error: errorMessage(err) });
      } else {
        result = 'error';
        metrics?.reconcileErrors.inc({ controller: this.name });
        queue.addRateLimited(key);
        logger.error('reconcile failed; retrying with backoff', { ...errorFields(err), retries: queue.numRequeues(key) });
      }
    }
    metrics?.reconcileTotal.inc({ controller: this.name, result });
    metrics?.reconcileDuration.observe({ controller: this.name, result }, (performance.now() - started) / 1000);
    return result;
  }
}
