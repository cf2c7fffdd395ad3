// Points from the servers' own /metrics: every replica scraped (timeout, size cap), counters
// summed, and the point computed against the previous reading.
import type { MetricsPoint } from '../api-types.ts';
import { addScrape, emptyCounters, pointBetween, type ToolCounters } from './tool-counters.ts';
import type { PointSource } from './watcher.ts';

/** Most bytes read from one /metrics answer (a kit server's is a few kB). */
const MAX_METRICS_BYTES = 4 * 1024 * 1024;

export async function scrapeText(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain' } });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_METRICS_BYTES) throw new Error(`${url} sent ${length} bytes of metrics (limit ${MAX_METRICS_BYTES})`);
  const text = await response.text();
  if (text.length > MAX_METRICS_BYTES) throw new Error(`${url} sent more than ${MAX_METRICS_BYTES} bytes of metrics`);
  return text;
}

export interface ScrapeSourceOptions {
  /** The /metrics URLs of the server's replicas right now. */
  targets: (key: string) => Promise<string[]>;
  timeoutMs: number;
  now?: () => number;
}

export function scrapeSource(opts: ScrapeSourceOptions): PointSource {
  const now = opts.now ?? Date.now;
  const last = new Map<string, { counters: ToolCounters; at: number }>();
  return {
    async sample(key): Promise<MetricsPoint | undefined> {
      const targets = await opts.targets(key);
      if (targets.length === 0) throw new Error('no running replica to scrape');
      const texts = await Promise.all(targets.map((url) => scrapeText(url, opts.timeoutMs)));
      const counters = texts.reduce(addScrape, emptyCounters());
      const at = now();
      const before = last.get(key);
      last.set(key, { counters, at });
      return before ? pointBetween(before.counters, counters, (at - before.at) / 1000, at) : undefined;
    },
    forget(key) {
      last.delete(key);
    },
  };
}
