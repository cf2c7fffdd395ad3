// Operator benchmark: N McpServers reconciled by the real operator in its own process, each
// verified over MCP against one shared real kit server. Prints time to all Ready, the operator's
// requests per McpServer (writes and reads) against the minimum needed, Events per McpServer,
// and the operator's peak heap and RSS; a progress line every 15 s while it runs.
//   --cluster sim (default): on kube-sim, N = 100 and 1,000 by default, then the large-object case.
//   --cluster real: on the real control plane (hack/cluster, kwok Nodes), N = 1,000 and 10,000 by
//     default, plus a baseline without an operator issuing the same minimal writes, so the time is
//     also a ratio.
//   --max-minutes M: wall-clock cap of each run (default 30); reached, the run stops with a clear
//     message and prints the partial figures.
//   --workers W: the operator's --workers (default 8); --control-plane-qps Q: client QPS of
//     kube-controller-manager and kube-scheduler on the real control plane (default 100, as
//     clusters with thousands of workloads set it; 0 keeps their defaults of 20 and 50).
// Usage: node hack/bench/operator.ts [--cluster sim|real] [--max-minutes M] [--workers W] [N ...] [--big-env]
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openUtilityServer } from '../../servers/utility/open.ts';
import { createLogger } from '../../servers/kit/logger.ts';
import { startTestServer } from '../../servers/kit/testing.ts';
import { runBigEnvCase } from './big-env.ts';
import type { OperatorFigures } from './operator-measure.ts';
import { runOnKubeSim } from './operator-sim.ts';
import { runOnRealCluster, type Baseline } from './operator-real.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags, positionals } = parseArgs({
  options: {
    cluster: { type: 'string', default: 'sim' },
    'big-env': { type: 'boolean', default: false },
    'max-minutes': { type: 'string', default: '30' },
    workers: { type: 'string', default: '8' },
    'control-plane-qps': { type: 'string', default: '100' },
  },
  allowPositionals: true,
});
if (flags.cluster !== 'sim' && flags.cluster !== 'real') throw new Error(`--cluster must be sim or real, got "${flags.cluster}"`);
const positive = (name: string, value: string, allowZero = false) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${value}"`);
  return n;
};
const capMs = positive('max-minutes', flags['max-minutes']) * 60_000;
const workers = positive('workers', flags.workers);
const controlPlaneQps = positive('control-plane-qps', flags['control-plane-qps'], true) || undefined;
const sizes = positionals.map((p) => positive('N', p));

/** Requests a perfect operator needs per McpServer: 3 child applies and 1 status write; reads come from informer caches. */
const MIN_WRITES = 4;

function report(label: string, f: OperatorFigures): void {
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  const outcome = f.complete ? `${f.ready}/${f.n} Ready in ${f.seconds.toFixed(1)} s (${(f.n / f.seconds).toFixed(1)} McpServers/s)` : `INCOMPLETE: ${f.ready}/${f.n} Ready when the cap stopped it after ${f.seconds.toFixed(1)} s`;
  console.log(`[${label}] N=${f.n} (${workers} workers): ${outcome}`);
  // Per McpServer the run brought to Ready when it finished; per McpServer of N when it was cut short.
  const per = (count: number) => (count / f.n).toFixed(2);
  console.log(`  writes per McpServer: ${per(f.writes)} (minimum ${MIN_WRITES}) + ${per(f.events)} Events`);
  console.log(`  reads per McpServer: ${per(f.reads)} GETs (minimum 0); list+watch requests in all: ${f.lists}`);
  console.log(`  operator memory: heap peak ${mib(f.peakHeap)} MiB (sampled, garbage included), ${mib(f.heapAfterGc)} MiB after GC at the end; RSS peak ${mib(f.peakRss)} MiB`);
}

function reportBaseline(f: OperatorFigures, baseline: Baseline): void {
  const outcome = baseline.complete ? `${baseline.seconds.toFixed(1)} s` : `STOPPED at the cap after ${baseline.seconds.toFixed(1)} s with ${baseline.written}/${f.n} written and ${baseline.available}/${f.n} Deployments available`;
  const ratio = f.complete && baseline.complete ? `operator/baseline = ${(f.seconds / baseline.seconds).toFixed(2)}` : 'no ratio (a run was stopped at the cap)';
  console.log(`  baseline (same minimal writes, no operator, until every Deployment is available): ${outcome}; ${ratio}`);
}

async function withKitServer(run: (kit: { url: string; baseUrl: string }) => Promise<void>): Promise<void> {
  const kit = await startTestServer(await openUtilityServer({}, { logger: createLogger({ level: 'error', stream: new PassThrough() } as never), httpTimeoutMs: 5_000 }));
  try {
    await run(kit);
  } finally {
    await kit.close();
  }
}

for (const n of sizes.length > 0 ? sizes : flags.cluster === 'real' ? [1000, 10000] : [100, 1000]) {
  await withKitServer(async (kit) => {
    if (flags.cluster === 'real') {
      const { operator, baseline } = await runOnRealCluster({ root, n, workers, mcpEndpoint: kit.url, capMs, controlPlaneQps, onOperatorFigures: (f) => report('real control plane', f) });
      reportBaseline(operator, baseline);
    } else {
      report('kube-sim', await runOnKubeSim({ root, n, workers, mcpEndpoint: kit.url, kitBaseUrl: kit.baseUrl, capMs }));
    }
  });
}
// The large-object case (one McpServer with 3,000 spec.env entries): after the default sizes on kube-sim, or alone with --big-env.
if ((sizes.length === 0 && flags.cluster === 'sim') || flags['big-env']) await runBigEnvCase(root);
