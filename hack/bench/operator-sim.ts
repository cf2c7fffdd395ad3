// The operator benchmark on kube-sim: N McpServers in 10 namespaces, every pod "run" by the one
// shared kit server, the real operator in its own process, requests counted by kube-sim.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startKubeSim } from '../kube-sim/src/api.ts';
import { measureOperator, type OperatorFigures } from './operator-measure.ts';

const NAMESPACES = 10;

export interface SimRunOptions {
  root: string;
  n: number;
  workers: number;
  mcpEndpoint: string;
  /** The kit server's base URL, where kube-sim's pods "listen". */
  kitBaseUrl: string;
  capMs: number;
}

export async function runOnKubeSim(opts: SimRunOptions): Promise<OperatorFigures> {
  const sim = await startKubeSim({
    log: () => undefined,
    kubeletDelayMs: 50,
    namespaces: Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`),
    runners: [{ matches: () => true, start: async () => ({ address: opts.kitBaseUrl, stop: async () => undefined }) }],
  });
  try {
    sim.applyManifests(readFileSync(path.join(opts.root, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));
    for (let i = 0; i < opts.n; i++) {
      sim.applyManifests(JSON.stringify({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: `s${i}`, namespace: `bench-${i % NAMESPACES}` }, spec: { catalog: 'utility' } }));
    }
    const countReady = async () => {
      const response = await fetch(`${sim.url}/apis/mcpfleet.dev/v1alpha1/mcpservers`, { headers: { 'user-agent': 'bench/0' } });
      const list = (await response.json()) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
      return list.items.filter((s) => s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    };
    return await measureOperator(
      { label: 'kube-sim', kubeconfig: sim.kubeconfigPath, countReady, resetAccounting: () => sim.accounting.reset(), operatorRequests: () => sim.accounting.select({ userAgent: 'mcpfleet-operator' }) },
      { ...opts, pollMs: 200 },
    );
  } finally {
    await sim.stop();
  }
}
