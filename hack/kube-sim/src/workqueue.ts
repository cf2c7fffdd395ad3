// A deduplicating work queue drained asynchronously. Controllers react to store events through
// it rather than inside the store's event dispatch, so a controller's own writes never re-enter a
// write that is still in progress, and a burst of events for one key collapses into one pass.

export type ReconcileFn = (key: string) => void | Promise<void>;

export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly reconcile: ReconcileFn;
  private readonly label: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running: Promise<void> = Promise.resolve();

  constructor(label: string, reconcile: ReconcileFn) {
    this.label = label;
    this.reconcile = reconcile;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.running = this.drain();
      });
    }
  }

  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, delayMs);
    this.timers.add(timer);
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        await this.reconcile(key);
      } catch (err) {
        // Controllers in kube-controller-manager log and retry; so does the simulator.
        console.error(`kube-sim ${this.label}: reconcile ${key} failed:`, err instanceof Error ? err.message : err);
        this.addAfter(key, 200);
      }
    }
  }

  /** Resolves when the queue has nothing left to do (used by tests and shutdown). */
  async idle(): Promise<void> {
    while (this.scheduled || this.pending.size > 0) {
      await new Promise((r) => setImmediate(r));
      await this.running;
    }
    await this.running;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}
