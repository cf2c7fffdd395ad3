// Starts hack/kube-sim for the runtime's integration tests and builds clients for it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from '../../../../hack/kube-sim/src/api.ts';
import { KubeClient } from '../client.ts';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface TestCluster {
  sim: KubeSim;
  kc: KubeConfig;
  /** A client whose User-Agent product is `agent` (kube-sim accounts and faults by it). */
  client(agent?: string, requestTimeoutMs?: number): KubeClient;
  stop(): Promise<void>;
}

export async function startTestCluster(opts: { bookmarkIntervalMs?: number; watchWindow?: number } = {}): Promise<TestCluster> {
  const sim = await startKubeSim({ log: () => {}, crdDirs: [FIXTURES_DIR], namespaces: ['team-a', 'team-b'], ...opts });
  const kc = simKubeConfig(sim.kubeconfigYaml);
  return {
    sim,
    kc,
    client: (agent = 'mcpfleet-test', requestTimeoutMs = 10_000) => new KubeClient({ kc, userAgent: `${agent}/0.0.0`, requestTimeoutMs }),
    stop: () => sim.stop(),
  };
}

/**
 * client-node 2.x refuses a plain-http server unless the kubeconfig sets
 * insecure-skip-tls-verify (it will not send a token in clear text otherwise); kube-sim serves
 * plain http on loopback, so the tests opt in explicitly here.
 */
export function simKubeConfig(yamlText: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yamlText);
  const current = kc.getCurrentCluster();
  if (current?.server.startsWith('http:') && !current.skipTLSVerify) {
    kc.loadFromOptions({
      clusters: kc.clusters.map((c) => (c.name === current.name ? { ...c, skipTLSVerify: true } : c)),
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
  }
  return kc;
}
