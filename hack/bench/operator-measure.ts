// The measured run of the operator benchmark, the same on every backend: start the operator in
// its own process, poll until all N McpServers are Ready or the wall-clock cap passes (then the
// figures are partial and say so), print a progress line from the operator's own metrics every
// 15 s, and count the operator's requests from the backend's accounting.
import type { RequestRecord } from '../kube-sim/src/accounting.ts';
import { startOperatorProcess, type OperatorSnapshot } from './operator-process.ts';

/** What a backend (kube-sim, the real control plane) provides to the measured run. */
export interface BenchBackend {
  label: string;
  kubeconfig: string;
  /** How many of the run's McpServers are Ready now. */
  countReady(): Promise<number>;
  /** Starts counting requests from zero. */
  resetAccounting(): void;
  /** The operator's requests since the reset. */
  operatorRequests(): RequestRecord[];
}

export interface MeasureOptions {
  root: string;
  n: number;
  workers: number;
  mcpEndpoint: string;
  /** Wall-clock cap of the run; reached, the run stops and reports what it measured. */
  capMs: number;
  /** How often the Ready count is polled. */
  pollMs: number;
}

export interface OperatorFigures {
  n: number;
  ready: number;
  seconds: number;
  /** False when the cap stopped the run before every McpServer was Ready. */
  complete: boolean;
  writes: number;
  events: number;
  reads: number;
  lists: number;
  /** Largest heapUsed sampled during the run (garbage included). */
  peakHeap: number;
  /** heapUsed after a full GC at the end: what the operator holds for N McpServers. */
  heapAfterGc: number;
  peakRss: number;
}

const PROGRESS_EVERY_MS = 15_000;
const READ_VERBS = new Set(['get', 'list', 'watch']);

/** The operator's requests by kind: writes (Events apart), GETs, and list/watch calls. */
export function countRequests(records: RequestRecord[]): Pick<OperatorFigures, 'writes' | 'events' | 'reads' | 'lists'> {
  const writes = records.filter((r) => !READ_VERBS.has(r.verb));
  const events = writes.filter((r) => r.resource === 'events' || r.resource === 'events.events.k8s.io').length;
  return {
    writes: writes.length - events,
    events,
    reads: records.filter((r) => r.verb === 'get').length,
    lists: records.filter((r) => r.verb === 'list' || r.verb === 'watch').length,
  };
}

function metricSum(s: OperatorSnapshot, name: string, labels: Record<string, string> = {}): number {
  const values = s.metrics.find((m) => m.name === name)?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want)).reduce((sum, v) => sum + v.value, 0);
}

function progressLine(seconds: number, ready: number, n: number, s: OperatorSnapshot): string {
  const reconciles = metricSum(s, 'mcpfleet_reconcile_total');
  const errors = metricSum(s, 'mcpfleet_reconcile_errors_total');
  const depth = metricSum(s, 'mcpfleet_workqueue_depth');
  const inFlight = metricSum(s, 'mcpfleet_workqueue_in_flight');
  const restarts = metricSum(s, 'mcpfleet_informer_restarts_total', { reason: 'error' });
  const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
  return `  t=${seconds.toFixed(0)}s ready ${ready}/${n}; queue ${depth} waiting, ${inFlight} in flight; ${reconciles} reconciles (${errors} failed); informer errors ${restarts}; heap ${mib(s.heapUsed)} MiB, RSS ${mib(s.rss)} MiB`;
}

export async function measureOperator(backend: BenchBackend, opts: MeasureOptions): Promise<OperatorFigures> {
  backend.resetAccounting();
  const started = Date.now();
  const operator = await startOperatorProcess({ root: opts.root, kubeconfig: backend.kubeconfig, mcpEndpoint: opts.mcpEndpoint, workers: opts.workers });
  let peakHeap = 0;
  let peakRss = 0;
  const sample = async () => {
    const s = await operator.snapshot();
    peakHeap = Math.max(peakHeap, s.heapUsed);
    peakRss = Math.max(peakRss, s.maxRss);
    return s;
  };
  let ready: number;
  let lastProgress = Date.now();
  try {
    for (;;) {
      ready = await backend.countReady();
      if (ready >= opts.n || Date.now() - started >= opts.capMs) break;
      const s = await sample();
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        console.log(progressLine((Date.now() - started) / 1000, ready, opts.n, s));
      }
      await new Promise((r) => setTimeout(r, opts.pollMs));
    }
    const seconds = (Date.now() - started) / 1000;
    if (ready < opts.n) console.log(`  STOPPED at the wall-clock cap of ${(opts.capMs / 1000).toFixed(0)} s with ${ready}/${opts.n} Ready: the figures below are partial`);
    // Writes that were on the wire at the last poll reach the accounting a moment later.
    await new Promise((r) => setTimeout(r, 1_000));
    const end = await operator.snapshot({ gc: true });
    peakRss = Math.max(peakRss, end.maxRss);
    return { n: opts.n, ready, seconds, complete: ready >= opts.n, ...countRequests(backend.operatorRequests()), peakHeap, heapAfterGc: end.heapUsed, peakRss };
  } finally {
    await operator.stop();
  }
}
