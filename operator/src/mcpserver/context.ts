// What the builders need besides the McpServer: operator-level settings. Pure data, so every
// builder stays a deterministic function of (McpServer, BuildContext).
export interface BuildContext {
  /** The catalog servers image, e.g. ghcr.io/mcpfleet/servers:0.1.0. */
  serversImage: { repository: string; tag: string; pullPolicy?: 'Always' | 'IfNotPresent' | 'Never' };
  /** Cluster DNS domain for in-cluster URLs. */
  clusterDomain: string;
  /** Hash input for referenced Secrets/ConfigMaps: "secret/name" → resourceVersion ("" when missing). */
  referencedVersions: Record<string, string>;
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
