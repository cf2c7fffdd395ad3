// kube-sim command line: starts the simulator and writes a kubeconfig for kubectl and clients.
//   npm run kube-sim -- --port 0 --kubeconfig /tmp/kube-sim.yaml --crds crds/
// Flags: --port N, --kubeconfig FILE, --crds DIR (repeatable), --kubelet-delay MS,
// --watch-window N, --bookmark-interval MS, --fault SPEC (repeatable, see README), --seed N.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startKubeSim } from './src/api.ts';
import { parseFaultSpec } from './src/faults.ts';

const USAGE = `usage: node hack/kube-sim/cli.ts [--port N] [--kubeconfig FILE] [--crds DIR]... [--kubelet-delay MS]
       [--watch-window N] [--bookmark-interval MS] [--fault SPEC]... [--seed N]
fault SPEC: [error:]verb=create,resource=configmaps,code=500|429|409|503,rate=0.1[,times=N][,retryAfter=S]
            latency:verb=list,ms=200[,resource=R]
            watch:action=drop|gone|silent[,afterMs=N][,afterEvents=N][,resource=R]`;

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      kubeconfig: { type: 'string' },
      crds: { type: 'string', multiple: true },
      'kubelet-delay': { type: 'string' },
      'watch-window': { type: 'string' },
      'bookmark-interval': { type: 'string' },
      fault: { type: 'string', multiple: true },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const faults = (values.fault ?? []).map(parseFaultSpec);
  const opts: Parameters<typeof startKubeSim>[0] = { crdDirs: (values.crds ?? []).map((d) => resolve(d)) };
  const port = intFlag('port', values.port);
  if (port !== undefined) opts.port = port;
  if (values.kubeconfig !== undefined) opts.kubeconfigPath = resolve(values.kubeconfig);
  const delay = intFlag('kubelet-delay', values['kubelet-delay']);
  if (delay !== undefined) opts.kubeletDelayMs = delay;
  const window = intFlag('watch-window', values['watch-window']);
  if (window !== undefined) opts.watchWindow = window;
  const bookmark = intFlag('bookmark-interval', values['bookmark-interval']);
  if (bookmark !== undefined) opts.bookmarkIntervalMs = bookmark;
  const seed = intFlag('seed', values.seed);
  if (seed !== undefined) opts.faultSeed = seed;

  const sim = await startKubeSim(opts);
  for (const f of faults) {
    if (f.kind === 'error') sim.faults.addError(f.rule);
    else if (f.kind === 'latency') sim.faults.addLatency(f.rule);
    else sim.faults.addWatchFault(f.rule);
  }
  console.error(`kube-sim: serving ${sim.url} (Kubernetes API v1.33 simulator)`);
  console.error(`kube-sim: export KUBECONFIG=${sim.kubeconfigPath}`);
  console.log(sim.kubeconfigPath);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`kube-sim: ${signal}, stopping`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('kube-sim: stop failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`kube-sim: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(2);
});
