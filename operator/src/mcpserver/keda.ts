// The KEDA ScaledObject (keda.sh/v1alpha1) for spec.autoscaling.keda. KEDA creates and drives
// its own HPA from it, so the Deployment's spec.replicas is left alone just as with hpa.
import type { McpServer } from '../api/mcpserver.ts';
import type { KubeObject } from '../kube/types.ts';
import { DEFAULT_CPU_UTILIZATION, scaleTargetRef } from './hpa.ts';
import { childMetadata } from './labels.ts';

export const KEDA_API_VERSION = 'keda.sh/v1alpha1';
export const SCALED_OBJECT_KIND = 'ScaledObject';

export interface KedaTrigger {
  type: string;
  name?: string;
  metadata: Record<string, string>;
  metricType?: string;
  useCachedMetrics?: boolean;
  authenticationRef?: { name: string; kind?: string };
}

export interface ScaledObject extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    pollingInterval?: number;
    cooldownPeriod?: number;
    triggers: KedaTrigger[];
  };
}

/** The default trigger: CPU utilisation, like the HPA default. */
export const DEFAULT_KEDA_TRIGGER: KedaTrigger = { type: 'cpu', metricType: 'Utilization', metadata: { value: String(DEFAULT_CPU_UTILIZATION) } };

/** KEDA's cpu and memory scalers read pod metrics, so they cannot wake a Deployment at zero. */
export function canScaleFromZero(triggers: readonly { type: string }[]): boolean {
  return triggers.some((t) => t.type !== 'cpu' && t.type !== 'memory');
}

/**
 * The effective minimum: without triggers the default CPU trigger applies, and KEDA refuses
 * minReplicaCount 0 with only resource triggers, so the floor becomes 1 (the AutoscalingReady
 * condition says so). Explicit resource-only triggers with 0 are rejected by the API itself.
 */
export function kedaMinReplicas(server: McpServer): number | undefined {
  const keda = server.spec.autoscaling?.keda;
  if (!keda) return undefined;
  const triggers = keda.triggers ?? [DEFAULT_KEDA_TRIGGER];
  return keda.minReplicas === 0 && !canScaleFromZero(triggers) ? 1 : keda.minReplicas;
}

export function buildScaledObject(server: McpServer): ScaledObject | undefined {
  const keda = server.spec.autoscaling?.keda;
  if (!keda) return undefined;
  const triggers: KedaTrigger[] = (keda.triggers ?? [DEFAULT_KEDA_TRIGGER]).map((t) => structuredClone(t));
  return {
    apiVersion: KEDA_API_VERSION,
    kind: SCALED_OBJECT_KIND,
    metadata: childMetadata(server),
    spec: {
      scaleTargetRef: scaleTargetRef(server),
      minReplicaCount: kedaMinReplicas(server)!,
      maxReplicaCount: keda.maxReplicas,
      ...(keda.pollingInterval !== undefined ? { pollingInterval: keda.pollingInterval } : {}),
      ...(keda.cooldownPeriod !== undefined ? { cooldownPeriod: keda.cooldownPeriod } : {}),
      triggers,
    },
  };
}
