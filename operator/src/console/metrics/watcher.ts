// Samples a server's metrics while someone watches its charts: one timer per watched server
// (none otherwise), the last points kept so a new viewer sees the recent past at once. Where the
// points come from (the servers' /metrics, or Prometheus) is the PointSource's business.
import type { MetricsPoint } from '../api-types.ts';

export interface PointSource {
  /** The point for the interval that just ended; undefined while a first reading is taken. */
  sample(key: string): Promise<MetricsPoint | undefined>;
  /** Points from before the watch began, when the source keeps any (Prometheus does). */
  backfill?(key: string): Promise<MetricsPoint[]>;
  /** The last viewer left: drop what is kept for the key. */
  forget?(key: string): void;
}

export interface WatcherOptions {
  intervalMs: number;
  /** Points kept per server. */
  historySize: number;
}

export type PointListener = (event: { point: MetricsPoint } | { error: string } | { history: MetricsPoint[] }) => void;

interface Watched {
  listeners: Set<PointListener>;
  timer: NodeJS.Timeout;
  history: MetricsPoint[];
  busy: boolean;
}

export class MetricsWatcher {
  private readonly watched = new Map<string, Watched>();
  private readonly source: PointSource;
  private readonly opts: WatcherOptions;

  constructor(source: PointSource, opts: WatcherOptions) {
    this.source = source;
    this.opts = opts;
  }

  /** Starts sending `key`'s points to the listener (the history first); returns the unsubscribe. */
  watch(key: string, listener: PointListener): () => void {
    let entry = this.watched.get(key);
    if (!entry) {
      const created: Watched = { listeners: new Set(), history: [], busy: false, timer: setInterval(() => void this.tick(key, created), this.opts.intervalMs) };
      entry = created;
      this.watched.set(key, entry);
      void this.start(key, created);
    } else {
      listener({ history: [...entry.history] });
    }
    entry.listeners.add(listener);
    const watched = entry;
    return () => {
      watched.listeners.delete(listener);
      if (watched.listeners.size > 0) return;
      clearInterval(watched.timer);
      if (this.watched.get(key) === watched) {
        this.watched.delete(key);
        this.source.forget?.(key);
      }
    };
  }

  stopAll(): void {
    for (const [key, entry] of this.watched) {
      clearInterval(entry.timer);
      this.source.forget?.(key);
    }
    this.watched.clear();
  }

  private async start(key: string, entry: Watched): Promise<void> {
    entry.busy = true;
    try {
      if (this.source.backfill) entry.history = (await this.source.backfill(key)).slice(-this.opts.historySize);
    } catch (error) {
      this.emit(entry, { error: error instanceof Error ? error.message : String(error) });
    } finally {
      entry.busy = false;
    }
    this.emit(entry, { history: [...entry.history] });
    await this.tick(key, entry);
  }

  private emit(entry: Watched, event: Parameters<PointListener>[0]): void {
    for (const listener of entry.listeners) listener(event);
  }

  private async tick(key: string, entry: Watched): Promise<void> {
    // A slow source never piles up behind itself.
    if (entry.busy || this.watched.get(key) !== entry) return;
    entry.busy = true;
    try {
      const point = await this.source.sample(key);
      if (point) {
        entry.history.push(point);
        if (entry.history.length > this.opts.historySize) entry.history.shift();
        this.emit(entry, { point });
      }
    } catch (error) {
      this.emit(entry, { error: error instanceof Error ? error.message : String(error) });
    } finally {
      entry.busy = false;
    }
  }
}
