// The HorizontalPodAutoscaler (autoscaling/v2) for spec.autoscaling.hpa. While it exists the
// Deployment's spec.replicas belongs to the HPA (see autoscalerOwnsReplicas and the handoff in
// the reconciler), so this object is the only place the replica range is written.
import type { V2HorizontalPodAutoscaler, V2MetricSpec } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import { childMetadata } from './labels.ts';

/** CPU utilisation target used when the spec sets neither CPU nor memory. */
export const DEFAULT_CPU_UTILIZATION = 70;

function utilization(resource: 'cpu' | 'memory', averageUtilization: number): V2MetricSpec {
  return { type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization } } };
}

/** The scaling target both autoscalers point at: the server's Deployment. */
export function scaleTargetRef(server: McpServer): { apiVersion: string; kind: string; name: string } {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name: server.metadata.name! };
}

export function buildHpa(server: McpServer): V2HorizontalPodAutoscaler | undefined {
  const hpa = server.spec.autoscaling?.hpa;
  if (!hpa) return undefined;
  const metrics: V2MetricSpec[] = [];
  const cpu = hpa.targetCPUUtilization ?? (hpa.targetMemoryUtilization === undefined ? DEFAULT_CPU_UTILIZATION : undefined);
  if (cpu !== undefined) metrics.push(utilization('cpu', cpu));
  if (hpa.targetMemoryUtilization !== undefined) metrics.push(utilization('memory', hpa.targetMemoryUtilization));
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: childMetadata(server),
    spec: {
      scaleTargetRef: scaleTargetRef(server),
      minReplicas: hpa.minReplicas,
      maxReplicas: hpa.maxReplicas,
      metrics,
      ...(hpa.behavior ? { behavior: hpa.behavior } : {}),
    },
  };
}
