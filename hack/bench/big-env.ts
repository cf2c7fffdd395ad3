// The large-object case of the operator benchmark: one McpServer with 3,000 spec.env entries,
// reconciled continuously (resync every second) by the real operator with leader election on.
// Prints the time one needsApply takes on its Deployment, the worst /healthz latency seen while
// polling the operator, and how often the operator lost its lease during the window.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { startKubeSim } from '../kube-sim/src/api.ts';
import { createLogger } from '../../servers/kit/logger.ts';
import { startTestServer } from '../../servers/kit/testing.ts';
import { openUtilityServer } from '../../servers/utility/open.ts';
import { FIELD_MANAGER } from '../../operator/src/api/constants.ts';
import { validateMcpServer } from '../../operator/src/api/validation.ts';
import { needsApply } from '../../operator/src/kube/needs-apply.ts';
import type { KubeObject } from '../../operator/src/kube/types.ts';
import { desiredChildren } from '../../operator/src/mcpserver/children.ts';
import { freePort } from '../cluster/src/ports.ts';

const WINDOW_MS = 30_000;
const READY_DEADLINE_MS = 300_000;


/** One GET and its latency; a failed request (reset, timeout) reads as undefined text. */
async function timed(url: string): Promise<{ ms: number; text: string | undefined }> {
  const start = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    return { ms: performance.now() - start, text: await response.text() };
  } catch {
    return { ms: performance.now() - start, text: undefined };
  }
}

export async function runBigEnvCase(root: string, entries = 3_000): Promise<void> {
  const kit = await startTestServer(await openUtilityServer({}, { logger: createLogger({ level: 'error', stream: new PassThrough() } as never), httpTimeoutMs: 5_000 }));
  const sim = await startKubeSim({
    log: () => undefined,
    kubeletDelayMs: 50,
    namespaces: ['bench-env', 'mcpfleet-system'],
    runners: [{ matches: () => true, start: async () => ({ address: kit.baseUrl, stop: async () => undefined }) }],
  });
  const env = Array.from({ length: entries }, (_, i) => ({ name: `BENCH_VAR_${i}`, value: `value-${i}` }));
  const manifest = { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'big-env', namespace: 'bench-env' }, spec: { catalog: 'utility', env } };
  const healthPort = await freePort();
  const metricsPort = await freePort();
  const child = fork(
    path.join(root, 'hack/bench/operator-child.ts'),
    ['--kubeconfig', sim.kubeconfigPath, '--leader-elect', '--leader-identity', 'bench', '--lease-namespace', 'mcpfleet-system', '--health-probe-bind-address', `127.0.0.1:${healthPort}`, '--metrics-bind-address', `127.0.0.1:${metricsPort}`, '--metrics-secure=false', '--verify-interval', '10m', '--resync-period', '1s'],
    { env: { ...process.env, BENCH_MCP_ENDPOINT: kit.url }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  try {
    sim.applyManifests(readFileSync(path.join(root, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));
    sim.applyManifests(JSON.stringify(manifest));
    await new Promise((resolve) => child.once('message', resolve));
    const started = Date.now();
    let ready = false;
    while (!ready && Date.now() - started < READY_DEADLINE_MS) {
      const server = (await (await fetch(`${sim.url}/apis/mcpfleet.dev/v1alpha1/namespaces/bench-env/mcpservers/big-env`)).json()) as { status?: { conditions?: { type: string; status: string }[] } };
      ready = server.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    const readySeconds = (Date.now() - started) / 1000;

    // needsApply on the live Deployment, measured here so the figure is the function's alone.
    const live = (await (await fetch(`${sim.url}/apis/apps/v1/namespaces/bench-env/deployments/big-env`)).json()) as KubeObject;
    const validated = validateMcpServer(manifest);
    if (!validated.ok) throw new Error(validated.problems.join('; '));
    const desired = desiredChildren(validated.value, { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {}, operatorNamespace: 'mcpfleet-system' }).find((c) => c.kind === 'Deployment')!;
    const runs = 5;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) needsApply(desired, live, FIELD_MANAGER);
    const needsApplyMs = (performance.now() - t0) / runs;

    // /healthz latency and lease losses while the operator resyncs the object every second.
    let worstHealthMs = 0;
    let failedProbes = 0;
    const windowStart = Date.now();
    while (Date.now() - windowStart < WINDOW_MS) {
      const probe = await timed(`http://127.0.0.1:${healthPort}/healthz`);
      worstHealthMs = Math.max(worstHealthMs, probe.ms);
      if (probe.text === undefined) failedProbes++;
      await new Promise((r) => setTimeout(r, 100));
    }
    let metrics: string | undefined;
    for (let attempt = 0; attempt < 5 && metrics === undefined; attempt++) metrics = (await timed(`http://127.0.0.1:${metricsPort}/metrics`)).text;
    // The counter has no series until the first loss.
    const losses = metrics === undefined ? 'unknown (metrics unavailable)' : Number(/^mcpfleet_leader_election_lost_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    console.log(`big env (${entries} spec.env entries): Ready=${ready} after ${readySeconds.toFixed(1)} s`);
    console.log(`  needsApply on its Deployment: ${needsApplyMs.toFixed(1)} ms per call`);
    console.log(`  worst /healthz latency over ${WINDOW_MS / 1000} s of 1 s resyncs: ${worstHealthMs.toFixed(0)} ms (${failedProbes} failed); leases lost: ${losses}`);
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    await sim.stop();
    await kit.close();
  }
}
