// Samples a server's /metrics while someone watches its charts: one timer per watched server
// (none otherwise), every replica scraped with a timeout and a size cap, the last points kept
// so a new viewer sees the recent past at once.
import type { MetricsPoint } from '../api-types.ts';
import { addScrape, emptyCounters, pointBetween, type ToolCounters } from './tool-counters.ts';

export interface SamplerOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Points kept per server. */
  historySize: number;
  /** The /metrics URLs of the server's replicas right now. */
  targets: (key: string) => Promise<string[]>;
  now?: () => number;
}

export type PointListener = (event: { point: MetricsPoint } | { error: string }) => void;

/** Most bytes read from one /metrics answer (a kit server's is a few kB). */
const MAX_METRICS_BYTES = 4 * 1024 * 1024;

interface Watched {
  listeners: Set<PointListener>;
  timer: NodeJS.Timeout;
  last?: { counters: ToolCounters; at: number };
  history: MetricsPoint[];
  busy: boolean;
}

async function scrape(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain' } });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_METRICS_BYTES) throw new Error(`${url} sent ${length} bytes of metrics (limit ${MAX_METRICS_BYTES})`);
  const text = await response.text();
  if (text.length > MAX_METRICS_BYTES) throw new Error(`${url} sent more than ${MAX_METRICS_BYTES} bytes of metrics`);
  return text;
}

export class MetricsSampler {
  private readonly watched = new Map<string, Watched>();
  private readonly opts: SamplerOptions;
  private readonly now: () => number;

  constructor(opts: SamplerOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** Starts sampling `key` for this listener; returns the history so far and the unsubscribe. */
  watch(key: string, listener: PointListener): { history: MetricsPoint[]; stop: () => void } {
    let entry = this.watched.get(key);
    if (!entry) {
      const created: Watched = { listeners: new Set(), history: [], busy: false, timer: setInterval(() => void this.tick(key, created), this.opts.intervalMs) };
      entry = created;
      this.watched.set(key, entry);
      void this.tick(key, entry);
    }
    entry.listeners.add(listener);
    const watched = entry;
    return {
      history: [...entry.history],
      stop: () => {
        watched.listeners.delete(listener);
        if (watched.listeners.size === 0) {
          clearInterval(watched.timer);
          if (this.watched.get(key) === watched) this.watched.delete(key);
        }
      },
    };
  }

  stopAll(): void {
    for (const entry of this.watched.values()) clearInterval(entry.timer);
    this.watched.clear();
  }

  private async tick(key: string, entry: Watched): Promise<void> {
    // A slow scrape never piles up behind itself.
    if (entry.busy) return;
    entry.busy = true;
    try {
      const targets = await this.opts.targets(key);
      if (targets.length === 0) throw new Error('no running replica to scrape');
      const texts = await Promise.all(targets.map((url) => scrape(url, this.opts.timeoutMs)));
      const counters = texts.reduce(addScrape, emptyCounters());
      const at = this.now();
      if (entry.last) {
        const point = pointBetween(entry.last.counters, counters, (at - entry.last.at) / 1000, at);
        entry.history.push(point);
        if (entry.history.length > this.opts.historySize) entry.history.shift();
        for (const listener of entry.listeners) listener({ point });
      }
      entry.last = { counters, at };
    } catch (error) {
      for (const listener of entry.listeners) listener({ error: error instanceof Error ? error.message : String(error) });
    } finally {
      entry.busy = false;
    }
  }
}
