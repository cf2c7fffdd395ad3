// While the demo runs: McpServers applied by the user (kubectl apply) get their local URL
// printed once they are Ready. Polls the simulator's API (the demo's cluster) every second.
import type { KubeSim } from '../kube-sim/src/api.ts';
import type { ClientTarget } from './client-config.ts';

interface ListedServer {
  metadata: { name: string; namespace: string };
  spec?: { transport?: { path?: string }; auth?: { apiKeySecretRef?: { name: string; key: string } } };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface NewServerWatch {
  stop(): void;
}

/**
 * Calls `onReady` once for each McpServer that is not in `known` ("namespace/name") when it
 * first has Ready=True and a running replica. Stop it before stopping the simulator.
 */
export function watchNewServers(sim: Pick<KubeSim, 'url' | 'kubelet'>, known: Iterable<string>, onReady: (key: string, target: ClientTarget) => void, intervalMs = 1_000): NewServerWatch {
  const reported = new Set(known);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const apiKeyOf = async (s: ListedServer): Promise<string | undefined> => {
    const ref = s.spec?.auth?.apiKeySecretRef;
    if (!ref) return undefined;
    const response = await fetch(`${sim.url}/api/v1/namespaces/${s.metadata.namespace}/secrets/${ref.name}`);
    if (!response.ok) return undefined;
    const data = ((await response.json()) as { data?: Record<string, string> }).data?.[ref.key];
    return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8').split('\n')[0]?.trim();
  };
  const poll = async () => {
    const response = await fetch(`${sim.url}/apis/mcpfleet.dev/v1alpha1/mcpservers`);
    if (!response.ok) return;
    for (const s of ((await response.json()) as { items: ListedServer[] }).items) {
      const key = `${s.metadata.namespace}/${s.metadata.name}`;
      if (reported.has(key) || !s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const address = sim.kubelet.endpointsFor(s.metadata.namespace, s.metadata.name)[0];
      if (!address) continue;
      reported.add(key);
      onReady(key, { name: s.metadata.name, url: `${address}${s.spec?.transport?.path ?? '/mcp'}`, apiKey: await apiKeyOf(s) });
    }
  };
  const loop = () => {
    timer = setTimeout(() => {
      poll()
        .catch(() => undefined) // the simulator is stopping or busy: try again next tick
        .finally(() => {
          if (!stopped) loop();
        });
    }, intervalMs);
  };
  loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
