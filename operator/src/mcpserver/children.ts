// The kinds a McpServer owns, and the desired set of children for one McpServer. Adding a kind
// (HPA, Ingress, PDB...) means adding it here and giving it a builder.
import type { McpServer } from '../api/mcpserver.ts';
import type { KubeObject } from '../kube/types.ts';
import type { BuildContext } from './context.ts';
import { buildDeployment } from './deployment.ts';
import { buildService } from './service.ts';
import { buildServiceAccount } from './serviceaccount.ts';

export interface OwnedKind {
  apiVersion: string;
  kind: string;
  /** Collection path across namespaces, for the informer. */
  path: string;
}

export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', path: '/api/v1/serviceaccounts' },
  { apiVersion: 'apps/v1', kind: 'Deployment', path: '/apis/apps/v1/deployments' },
  { apiVersion: 'v1', kind: 'Service', path: '/api/v1/services' },
];

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** Every child the McpServer should have right now, in apply order. */
export function desiredChildren(server: McpServer, ctx: BuildContext): KubeObject[] {
  const children: (KubeObject | undefined)[] = [
    buildServiceAccount(server) as KubeObject | undefined,
    buildDeployment(server, ctx) as KubeObject,
    buildService(server) as KubeObject,
  ];
  return children.filter((c): c is KubeObject => c !== undefined);
}
