// Operator benchmark: N McpServers (N = 100 and 1000 by default) on kube-sim, reconciled by the
// real operator in its own process, each verified over MCP against one shared real kit server.
// Prints time to all Ready, the operator's requests per McpServer (writes and reads) against
// the minimum needed, and the operator's heap and RSS after sync.
// Usage: node hack/bench/operator.ts [N ...] [--big-env]
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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const NAMESPACES = 10;
const DEADLINE_MS = 600_000;

/** Requests a perfect operator needs per McpServer: 3 child applies and 1 status write; reads come from informer caches. */
const MIN_WRITES = 4;

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
    const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
    console.log(`N=${n}: ${ready}/${n} Ready in ${elapsed.toFixed(1)} s (${(n / elapsed).toFixed(0)} McpServers/s)`);
    console.log(`  writes per McpServer: ${((writes.length - events) / n).toFixed(2)} (minimum ${MIN_WRITES}) + ${(events / n).toFixed(2)} Events`);
    console.log(`  reads per McpServer: ${(reads / n).toFixed(2)} GETs (minimum 0); list+watch requests in all: ${lists}`);
    console.log(`  operator after sync: heap ${mib(memory.heapUsed)} MiB, RSS ${mib(memory.rss)} MiB`);
  } finally {
    await sim.stop();
    await kit.close();
  }
}

for (const n of sizes.length > 0 ? sizes : [100, 1000]) await run(n);
// The large-object case (one McpServer with 3,000 spec.env entries): after the default sizes, or alone with --big-env.
if (sizes.length === 0 || process.argv.includes('--big-env')) await runBigEnvCase(root);
