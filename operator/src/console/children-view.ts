// One line of state for each child kind a McpServer owns: pure, from the child object alone.
import type { KubeObject } from '../kube/types.ts';
import type { ChildView } from './api-types.ts';

interface Loose {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

type Describe = (obj: KubeObject & Loose) => { state: string; healthy: boolean };

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function conditionTrue(obj: Loose, type: string): boolean | undefined {
  const conditions = obj.status?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const found = (conditions as { type?: string; status?: string }[]).find((c) => c.type === type);
  return found === undefined ? undefined : found.status === 'True';
}

const DESCRIBERS: Record<string, Describe> = {
  Deployment: (d) => {
    const want = typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1;
    const ready = num(d.status?.readyReplicas);
    const available = conditionTrue(d, 'Available');
    return { state: `${ready}/${want} ready${available === false ? ', not available' : ''}`, healthy: ready >= want && available !== false };
  },
  HorizontalPodAutoscaler: (h) => {
    const able = conditionTrue(h, 'AbleToScale');
    return { state: `${num(h.status?.currentReplicas)} replicas (min ${num(h.spec?.minReplicas) || 1}, max ${num(h.spec?.maxReplicas)})`, healthy: able !== false };
  },
  ScaledObject: (s) => {
    const ready = conditionTrue(s, 'Ready');
    return { state: ready === undefined ? 'not reported by KEDA yet' : ready ? 'ready' : 'not ready', healthy: ready !== false };
  },
  Ingress: (i) => {
    const lb = (i.status?.loadBalancer as { ingress?: { hostname?: string; ip?: string }[] } | undefined)?.ingress ?? [];
    const address = lb.map((a) => a.hostname ?? a.ip).filter(Boolean).join(', ');
    return { state: address ? `address ${address}` : 'no address yet', healthy: address !== '' };
  },
  Service: (s) => ({ state: `${String(s.spec?.type ?? 'ClusterIP')} ${String(s.spec?.clusterIP ?? '')}`.trim(), healthy: true }),
  PodDisruptionBudget: (p) => ({ state: `${num(p.status?.disruptionsAllowed)} disruptions allowed`, healthy: true }),
};

export function childView(obj: KubeObject): ChildView {
  const kind = obj.kind ?? 'Unknown';
  const described = DESCRIBERS[kind]?.(obj as KubeObject & Loose) ?? { state: 'present', healthy: true };
  return { kind, name: obj.metadata?.name ?? '', ...described };
}
