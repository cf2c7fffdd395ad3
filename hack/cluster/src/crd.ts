// Waiting for a CRD to be served: `kubectl wait --for=condition=Established` fails outright while
// a just-created CRD has no conditions yet, so poll its status instead.
import type { LocalCluster } from './cluster.ts';
import { pollUntil } from './http.ts';

export async function waitForCrdEstablished(cluster: Pick<LocalCluster, 'request'>, name: string, timeoutMs = 120_000): Promise<void> {
  await pollUntil(`CRD ${name} Established`, async () => {
    const crd = await cluster.request<{ status?: { conditions?: { type: string; status: string }[] } }>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    return crd.status === 200 && crd.body.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  }, timeoutMs);
}
