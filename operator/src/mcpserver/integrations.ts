// What the platform integrations report on the McpServer: one condition per integration in use
// (AutoscalingReady, IngressReady, MonitoringReady), the conditions of integrations turned off
// (to remove), and status.externalUrl. Pure: it reads the spec, the discovered optional APIs
// and the live children the reconciler applied.
import type { V1Ingress } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import type { KubeObject } from '../kube/types.ts';
import type { ConditionInput } from './conditions.ts';
import type { OptionalApis } from './context.ts';
import { DEFAULT_CPU_UTILIZATION } from './hpa.ts';
import { externalUrl, ingressAddress } from './ingress.ts';
import { kedaMinReplicas } from './keda.ts';
import { wantsPrometheusRule, wantsServiceMonitor } from './monitoring.ts';

export const INTEGRATION_CONDITIONS = {
  autoscaling: 'AutoscalingReady',
  ingress: 'IngressReady',
  monitoring: 'MonitoringReady',
} as const;

export const INTEGRATION_REASONS = {
  hpaConfigured: 'HorizontalPodAutoscalerConfigured',
  kedaConfigured: 'ScaledObjectConfigured',
  kedaNotReady: 'ScaledObjectNotReady',
  kedaNotInstalled: 'KedaNotInstalled',
  loadBalancerReady: 'LoadBalancerReady',
  loadBalancerPending: 'LoadBalancerPending',
  monitoringConfigured: 'MonitoringConfigured',
  prometheusOperatorNotInstalled: 'PrometheusOperatorNotInstalled',
} as const;

export interface IntegrationObservation {
  apis: OptionalApis;
  /** Live children by kind (as applied or as cached). */
  ingress?: V1Ingress | undefined;
  scaledObject?: KubeObject | undefined;
}

export interface IntegrationStatus {
  conditions: ConditionInput[];
  retired: string[];
  externalUrl?: string;
}

function autoscaling(server: McpServer, obs: IntegrationObservation): ConditionInput | undefined {
  const type = INTEGRATION_CONDITIONS.autoscaling;
  const hpa = server.spec.autoscaling?.hpa;
  if (hpa) {
    const targets = [
      ...(hpa.targetCPUUtilization !== undefined || hpa.targetMemoryUtilization === undefined ? [`CPU ${hpa.targetCPUUtilization ?? DEFAULT_CPU_UTILIZATION}%`] : []),
      ...(hpa.targetMemoryUtilization !== undefined ? [`memory ${hpa.targetMemoryUtilization}%`] : []),
    ];
    return { type, status: 'True', reason: INTEGRATION_REASONS.hpaConfigured, message: `the HorizontalPodAutoscaler keeps ${hpa.minReplicas}-${hpa.maxReplicas} replicas on ${targets.join(' and ')}` };
  }
  const keda = server.spec.autoscaling?.keda;
  if (!keda) return undefined;
  if (!obs.apis.keda) {
    return {
      type,
      status: 'False',
      reason: INTEGRATION_REASONS.kedaNotInstalled,
      message: 'spec.autoscaling.keda needs KEDA, but the cluster does not serve keda.sh/v1alpha1 ScaledObject: install KEDA or use autoscaling.hpa; meanwhile the Deployment keeps its current replica count',
    };
  }
  const kedaReady = (obs.scaledObject?.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
  if (kedaReady?.status === 'False') {
    return { type, status: 'False', reason: INTEGRATION_REASONS.kedaNotReady, message: `KEDA reports the ScaledObject not ready: ${kedaReady.message ?? 'no message'}` };
  }
  const min = kedaMinReplicas(server)!;
  const triggers = (keda.triggers ?? []).map((t) => t.type);
  const floor = min !== keda.minReplicas ? ' (minReplicas 0 raised to 1: the default CPU trigger cannot wake a server at zero; add an event trigger to scale to zero)' : '';
  return {
    type,
    status: 'True',
    reason: INTEGRATION_REASONS.kedaConfigured,
    message: `KEDA scales ${min}-${keda.maxReplicas} replicas on ${triggers.length > 0 ? triggers.join(', ') : `CPU ${DEFAULT_CPU_UTILIZATION}% (default trigger)`}${floor}`,
  };
}

function ingress(server: McpServer, obs: IntegrationObservation, url: string | undefined): ConditionInput | undefined {
  if (!server.spec.expose.ingress) return undefined;
  const type = INTEGRATION_CONDITIONS.ingress;
  const address = ingressAddress(obs.ingress);
  if (address && url) return { type, status: 'True', reason: INTEGRATION_REASONS.loadBalancerReady, message: `load balancer ${address} serves ${url}` };
  // Unknown rather than False: provisioning a load balancer takes minutes and is not a fault.
  return { type, status: 'Unknown', reason: INTEGRATION_REASONS.loadBalancerPending, message: 'waiting for the ingress controller to publish a load balancer address' };
}

function monitoring(server: McpServer, obs: IntegrationObservation): ConditionInput | undefined {
  const wanted = [
    ...(wantsServiceMonitor(server) ? [{ kind: 'ServiceMonitor', served: obs.apis.serviceMonitor }] : []),
    ...(wantsPrometheusRule(server) ? [{ kind: 'PrometheusRule', served: obs.apis.prometheusRule }] : []),
  ];
  if (wanted.length === 0) return undefined;
  const type = INTEGRATION_CONDITIONS.monitoring;
  const missing = wanted.filter((w) => !w.served).map((w) => w.kind);
  if (missing.length > 0) {
    return {
      type,
      status: 'False',
      reason: INTEGRATION_REASONS.prometheusOperatorNotInstalled,
      message: `spec.monitoring needs the Prometheus Operator, but the cluster does not serve monitoring.coreos.com/v1 ${missing.join(', ')}: install its CRDs or remove spec.monitoring`,
    };
  }
  return { type, status: 'True', reason: INTEGRATION_REASONS.monitoringConfigured, message: `${wanted.map((w) => w.kind).join(' and ')} created` };
}

export function integrationStatus(server: McpServer, obs: IntegrationObservation): IntegrationStatus {
  const url = externalUrl(server, obs.ingress);
  const byType: [string, ConditionInput | undefined][] = [
    [INTEGRATION_CONDITIONS.autoscaling, autoscaling(server, obs)],
    [INTEGRATION_CONDITIONS.ingress, ingress(server, obs, url)],
    [INTEGRATION_CONDITIONS.monitoring, monitoring(server, obs)],
  ];
  return {
    conditions: byType.flatMap(([, c]) => (c ? [c] : [])),
    retired: byType.flatMap(([type, c]) => (c ? [] : [type])),
    ...(url ? { externalUrl: url } : {}),
  };
}
