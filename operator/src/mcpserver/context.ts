// What the builders need besides the McpServer: operator-level settings. Pure data, so every
// builder stays a deterministic function of (McpServer, BuildContext).
export interface BuildContext {
  /** The catalog servers image, e.g. ghcr.io/mcpfleet/servers:0.1.0. */
  serversImage: { repository: string; tag: string; pullPolicy?: 'Always' | 'IfNotPresent' | 'Never' };
  /** Cluster DNS domain for in-cluster URLs. */
  clusterDomain: string;
  /** Hash input for referenced Secrets/ConfigMaps: "secret/name" → resourceVersion ("" when missing). */
  referencedVersions: Record<string, string>;
  /** Optional APIs the cluster serves (discovered); absent means none of them. */
  optionalApis?: OptionalApis;
  /** Namespace the operator runs in: its MCP verification must get through NetworkPolicies. */
  operatorNamespace?: string;
  /**
   * How EKS Pod Identity is provided for this reconcile: 'ack' renders an ACK
   * PodIdentityAssociation child; 'eks-api' (the default) leaves it to the EKS API step.
   */
  podIdentityProvider?: 'eks-api' | 'ack';
  /** The operator's --eks-cluster-name, for specs that do not name their cluster. */
  defaultEksClusterName?: string | undefined;
  /** Operator-wide tracing defaults for the server pods (spec.telemetry overrides them). */
  telemetry?: TelemetryDefaults;
}

/** --telemetry-otlp-endpoint and --telemetry-sampling-ratio. */
export interface TelemetryDefaults {
  /** OTLP/HTTP base URL; undefined: servers trace only when their spec names an endpoint. */
  otlpEndpoint?: string | undefined;
  samplingRatio?: number | undefined;
}

/** Optional APIs a child kind depends on; each is discovered, never assumed. */
export interface OptionalApis {
  /** keda.sh/v1alpha1 ScaledObject */
  keda: boolean;
  /** monitoring.coreos.com/v1 ServiceMonitor */
  serviceMonitor: boolean;
  /** monitoring.coreos.com/v1 PrometheusRule */
  prometheusRule: boolean;
  /** eks.services.k8s.aws/v1alpha1 PodIdentityAssociation (ACK's eks-controller); absent means not served. */
  ackPodIdentity?: boolean;
}

export const NO_OPTIONAL_APIS: OptionalApis = { keda: false, serviceMonitor: false, prometheusRule: false, ackPodIdentity: false };

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
