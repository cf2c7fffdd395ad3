// The ServiceAccount the pods run as (unless the user brings one), with the cloud identity
// annotations (IRSA role ARN, Azure Workload Identity client and tenant IDs) from identity/.
import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import { serviceAccountIdentityAnnotations } from './identity/bindings.ts';
import { childMetadata } from './labels.ts';

export function serviceAccountName(server: McpServer): string {
  return server.spec.identity?.serviceAccountName ?? server.metadata.name!;
}

/** undefined when spec.identity.serviceAccountName names an existing account. */
export function buildServiceAccount(server: McpServer): V1ServiceAccount | undefined {
  if (server.spec.identity?.serviceAccountName) return undefined;
  const annotations = serviceAccountIdentityAnnotations(server);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { ...childMetadata(server), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    // Catalog servers never call the Kubernetes API; cloud identity webhooks mount their own tokens.
    automountServiceAccountToken: false,
  };
}
