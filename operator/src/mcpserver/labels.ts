// Labels, selectors and owner references every child of a McpServer carries.
import type { V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, COMPONENT, KIND, LABELS, MANAGED_BY } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';

/** Selector labels: stable for the object's lifetime (a Deployment selector is immutable). */
export function selectorLabels(server: McpServer): Record<string, string> {
  return { [LABELS.instance]: server.metadata.name!, [LABELS.component]: COMPONENT };
}

export function childLabels(server: McpServer): Record<string, string> {
  return {
    [LABELS.name]: server.spec.catalog ?? 'mcp-server',
    ...selectorLabels(server),
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.partOf]: 'mcpfleet',
  };
}

/** The label selector string of the pods (status.selector, used by the scale subresource). */
export function selectorString(server: McpServer): string {
  return Object.entries(selectorLabels(server))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function controllerReference(server: McpServer): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: server.metadata.name!,
    uid: server.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata shared by every child object. */
export function childMetadata(server: McpServer, name: string = server.metadata.name!) {
  return {
    name,
    namespace: server.metadata.namespace!,
    labels: childLabels(server),
    ownerReferences: [controllerReference(server)],
  };
}
