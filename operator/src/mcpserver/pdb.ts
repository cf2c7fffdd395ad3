// The PodDisruptionBudget for spec.disruption. Without one, a budget is created only when more
// than one replica is meant to run: minAvailable 1 on a single replica would block every node
// drain, and a server that may scale to zero has nothing to protect.
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import { kedaMinReplicas } from './keda.ts';
import { childMetadata, selectorLabels } from './labels.ts';

/** The fewest replicas the server runs with: the autoscaler's floor, else spec.replicas. */
export function guaranteedReplicas(server: McpServer): number {
  const hpa = server.spec.autoscaling?.hpa;
  if (hpa) return hpa.minReplicas;
  const keda = kedaMinReplicas(server);
  if (keda !== undefined) return keda;
  return server.spec.replicas;
}

export function buildPdb(server: McpServer): V1PodDisruptionBudget | undefined {
  const disruption = server.spec.disruption;
  let budget: { minAvailable: number | string } | { maxUnavailable: number | string } | undefined;
  if (disruption?.minAvailable !== undefined) budget = { minAvailable: disruption.minAvailable };
  else if (disruption?.maxUnavailable !== undefined) budget = { maxUnavailable: disruption.maxUnavailable };
  else if (guaranteedReplicas(server) > 1) budget = { minAvailable: 1 };
  if (!budget) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: childMetadata(server),
    spec: {
      ...budget,
      selector: { matchLabels: selectorLabels(server) },
      // A crash-looping pod must not block node drains: it is not serving anyway.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
