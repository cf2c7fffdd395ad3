// The kinds a McpServer owns, and the desired set of children for one McpServer. Adding a kind
// (HPA, Ingress, PDB...) means adding it here and giving it a builder.
import type { McpServer } from '../api/mcpserver.ts';
import type { KubeObject } from '../kube/types.ts';
import { NO_OPTIONAL_APIS, type BuildContext, type OptionalApis } from './context.ts';
import { buildDeployment } from './deployment.ts';
import { buildHpa } from './hpa.ts';
import { ACK_EKS_API_VERSION, ACK_POD_IDENTITY_KIND, ACK_POD_IDENTITY_PATH, buildPodIdentityAssociation } from './identity/ack.ts';
import { buildIngress } from './ingress.ts';
import { buildScaledObject } from './keda.ts';
import { buildPrometheusRule, buildServiceMonitor } from './monitoring.ts';
import { buildNetworkPolicy } from './networkpolicy.ts';
import { buildPdb } from './pdb.ts';
import { buildService } from './service.ts';
import { buildServiceAccount } from './serviceaccount.ts';
import { buildToolBaseline } from './tool-baseline.ts';

export interface OwnedKind {
  apiVersion: string;
  kind: string;
  /** Collection path across namespaces, for the informer. */
  path: string;
  /**
   * Set for kinds of optional APIs (CRDs of KEDA, the Prometheus Operator, ACK): discovered at run
   * time, watched only once served, never required.
   */
  optional?: keyof OptionalApis;
}

export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', path: '/api/v1/serviceaccounts' },
  { apiVersion: 'v1', kind: 'ConfigMap', path: '/api/v1/configmaps' },
  { apiVersion: 'apps/v1', kind: 'Deployment', path: '/apis/apps/v1/deployments' },
  { apiVersion: 'v1', kind: 'Service', path: '/api/v1/services' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', path: '/apis/autoscaling/v2/horizontalpodautoscalers' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', path: '/apis/networking.k8s.io/v1/ingresses' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', path: '/apis/policy/v1/poddisruptionbudgets' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', path: '/apis/networking.k8s.io/v1/networkpolicies' },
  { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', path: '/apis/keda.sh/v1alpha1/scaledobjects', optional: 'keda' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', path: '/apis/monitoring.coreos.com/v1/servicemonitors', optional: 'serviceMonitor' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', path: '/apis/monitoring.coreos.com/v1/prometheusrules', optional: 'prometheusRule' },
  { apiVersion: ACK_EKS_API_VERSION, kind: ACK_POD_IDENTITY_KIND, path: ACK_POD_IDENTITY_PATH, optional: 'ackPodIdentity' },
];

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** Every child the McpServer should have right now, in apply order. */
export function desiredChildren(server: McpServer, ctx: BuildContext): KubeObject[] {
  const children: (KubeObject | undefined)[] = [
    buildServiceAccount(server) as KubeObject | undefined,
    // Before the Deployment, so new pods find their pinned baseline mounted.
    buildToolBaseline(server) as KubeObject | undefined,
    buildDeployment(server, ctx) as KubeObject,
    buildService(server) as KubeObject,
    buildHpa(server) as KubeObject | undefined,
    ...integrationChildren(server, ctx),
  ];
  return children.filter((c): c is KubeObject => c !== undefined);
}

/** Children of the platform integrations; kinds of optional APIs only when the cluster serves them. */
function integrationChildren(server: McpServer, ctx: BuildContext): (KubeObject | undefined)[] {
  const apis = ctx.optionalApis ?? NO_OPTIONAL_APIS;
  return [
    apis.keda ? buildScaledObject(server) : undefined,
    buildIngress(server) as KubeObject | undefined,
    buildPdb(server) as KubeObject | undefined,
    buildNetworkPolicy(server, ctx) as KubeObject | undefined,
    apis.serviceMonitor ? buildServiceMonitor(server) : undefined,
    apis.prometheusRule ? buildPrometheusRule(server) : undefined,
    // ctx.podIdentityProvider is 'ack' only when the reconciler found ACK's CRD served.
    buildPodIdentityAssociation(server, ctx),
  ];
}
