// Operator benchmark: N McpServers (N = 100 and 1000 by default) on kube-sim, reconciled by the
// real operator in its own process, each verified over MCP against one shared real kit server.
// Prints time to all Ready, the operator's requests per McpServer (writes and reads) against
// the minimum needed, and the operator's heap and RSS after sync.
// With --cluster real, the same on the real control plane (hack/cluster, kwok Nodes), plus a
// baseline without an operator issuing the same minimal writes, so the time is also a ratio.
// Usage: node hack/bench/operator.ts [--cluster sim|real] [N ...] [--big-env]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeSim } from '../kube-sim/src/api.ts';
import { openUtilityServer } from '../../servers/utility/open.ts';
import { createLogger } from '../../servers/kit/logger.ts';
import { startTestServer } from '../../servers/kit/testing.ts';
import { PassThrough } from 'node:stream';
import { runBigEnvCase } from './big-env.ts';
import { parseArgs } from 'node:util';
import { runOnRealCluster, type BenchFigures } from './operator-real.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags, positionals } = parseArgs({ options: { cluster: { type: 'string', default: 'sim' }, 'big-env': { type: 'boolean', default: false } }, allowPositionals: true });
if (flags.cluster !== 'sim' && flags.cluster !== 'real') throw new Error(`--cluster must be sim or real, got "${flags.cluster}"`);
const sizes = positionals.map(Number).filter((n) => n > 0);
const NAMESPACES = 10;
const DEADLINE_MS = 600_000;

/** Requests a perfect operator needs per McpServer: 3 child applies and 1 status write; reads come from informer caches. */
const MIN_WRITES = 4;

function report(f: BenchFigures): void {
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`[${flags.cluster === 'real' ? 'real control plane' : 'kube-sim'}] N=${f.n}: ${f.ready}/${f.n} Ready in ${f.seconds.toFixed(1)} s (${(f.n / f.seconds).toFixed(0)} McpServers/s)`);
  if (f.baselineSeconds !== undefined) console.log(`  baseline (same minimal writes, no operator): ${f.baselineSeconds.toFixed(1)} s; operator/baseline = ${(f.seconds / f.baselineSeconds).toFixed(2)}`);
  console.log(`  writes per McpServer: ${(f.writes / f.n).toFixed(2)} (minimum ${MIN_WRITES}) + ${(f.events / f.n).toFixed(2)} Events`);
  console.log(`  reads per McpServer: ${(f.reads / f.n).toFixed(2)} GETs (minimum 0); list+watch requests in all: ${f.lists}`);
  console.log(`  operator after sync: heap ${mib(f.heapUsed)} MiB, RSS ${mib(f.rss)} MiB`);
}

async function runReal(n: number): Promise<void> {
  const kit = await startTestServer(await openUtilityServer({}, { logger: createLogger({ level: 'error', stream: new PassThrough() } as never), httpTimeoutMs: 5_000 }));
  try {
    report(await runOnRealCluster(root, n, kit.url));
  } finally {
    await kit.close();
  }
}

async function run(n: number): Promise<void> {
  const kit = await startTestServer(await openUtilityServer({}, { logger: createLogger({ level: 'error', stream: new PassThrough() } as never), httpTimeoutMs: 5_000 }));
  const sim = await startKubeSim({
    log: () => undefined,
    kubeletDelayMs: 50,
    namespaces: Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`),
    runners: [{ matches: () => true, start: async () => ({ address: kit.baseUrl, stop: async () => undefined }) }],
  });
  try {
    sim.applyManifests(readFileSync(path.join(root, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));
    for (let i = 0; i < n; i++) {
      sim.applyManifests(JSON.stringify({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: `s${i}`, namespace: `bench-${i % NAMESPACES}` }, spec: { catalog: 'utility' } }));
    }
    sim.accounting.reset();
    const started = Date.now();
    const child = fork(path.join(root, 'hack/bench/operator-child.ts'), ['--kubeconfig', sim.kubeconfigPath, '--leader-elect=false', '--health-probe-bind-address', '127.0.0.1:0', '--metrics-bind-address', '127.0.0.1:0', '--metrics-secure=false', '--workers', '8', '--verify-interval', '10m', '--resync-period', '0'], {
      env: { ...process.env, BENCH_MCP_ENDPOINT: kit.url },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ask = <T>(message: string) => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)) && child.send(message));
    await new Promise((resolve) => child.once('message', resolve));
    let ready = 0;
    while (Date.now() - started < DEADLINE_MS) {
      const response = await fetch(`${sim.url}/apis/mcpfleet.dev/v1alpha1/mcpservers`, { headers: { 'user-agent': 'bench/0' } });
      const list = (await response.json()) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
      ready = list.items.filter((s) => s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready === n) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const records = sim.accounting.select({ userAgent: 'mcpfleet-operator' });
    const writes = records.filter((r) => !['get', 'list', 'watch'].includes(r.verb));
    const events = writes.filter((r) => r.resource === 'events').length;
    const reads = records.filter((r) => r.verb === 'get').length;
    const lists = records.filter((r) => r.verb === 'list' || r.verb === 'watch').length;
    const memory = await ask<{ heapUsed: number; rss: number }>('memory');
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    report({ n, ready, seconds: elapsed, writes: writes.length - events, events, reads, lists, heapUsed: memory.heapUsed, rss: memory.rss });
  } finally {
    await sim.stop();
    await kit.close();
  }
}

for (const n of sizes.length > 0 ? sizes : flags.cluster === 'real' ? [1000, 10000] : [100, 1000]) await (flags.cluster === 'real' ? runReal(n) : run(n));
// The large-object case (one McpServer with 3,000 spec.env entries): after the default sizes on kube-sim, or alone with --big-env.
if ((sizes.length === 0 && flags.cluster === 'sim') || flags['big-env']) await runBigEnvCase(root);
