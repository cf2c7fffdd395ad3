// What each cloud identity mode needs on the Kubernetes side, as pure functions of the spec:
// - IRSA: the ServiceAccount annotation eks.amazonaws.com/role-arn (the EKS Pod Identity Webhook
//   then injects AWS_ROLE_ARN and a projected web-identity token into the pods);
// - EKS Pod Identity: nothing on the ServiceAccount or pods — an association in the EKS API binds
//   namespace + ServiceAccount to the role (see pod-identity.ts);
// - Azure Workload Identity: client-id/tenant-id annotations on the ServiceAccount and the
//   azure.workload.identity/use=true label on the pods (the webhook only mutates labelled pods).
// Every mode also puts a readable summary on the pod template: the webhooks act at pod creation,
// so a changed role or client ID must roll the pods, which a template change (and its config
// hash) does.
import { IDENTITY } from '../../api/constants.ts';
import type { McpServer } from '../../api/mcpserver.ts';

export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const AZURE_TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';
export const AZURE_USE_LABEL = 'azure.workload.identity/use';

export type AwsMode = 'irsa' | 'pod-identity';

/** The cloud identities the spec asks for (both clouds may be set at once). */
export function cloudIdentity(server: McpServer): { aws?: { roleArn: string; mode: AwsMode; clusterName?: string }; azure?: { clientId: string; tenantId?: string } } {
  const identity = server.spec.identity;
  return {
    ...(identity?.aws ? { aws: identity.aws } : {}),
    ...(identity?.azure ? { azure: identity.azure } : {}),
  };
}

export function hasCloudIdentity(server: McpServer): boolean {
  return server.spec.identity?.aws !== undefined || server.spec.identity?.azure !== undefined;
}

/** Annotations the pods' ServiceAccount must carry (on ours, or on the user's own account). */
export function serviceAccountIdentityAnnotations(server: McpServer): Record<string, string> {
  const { aws, azure } = cloudIdentity(server);
  const annotations: Record<string, string> = {};
  if (aws?.mode === 'irsa') annotations[IRSA_ROLE_ANNOTATION] = aws.roleArn;
  if (azure) {
    annotations[AZURE_CLIENT_ID_ANNOTATION] = azure.clientId;
    if (azure.tenantId) annotations[AZURE_TENANT_ID_ANNOTATION] = azure.tenantId;
  }
  return annotations;
}

/** Labels the pod template needs for the identity webhooks. */
export function podIdentityLabels(server: McpServer): Record<string, string> {
  return server.spec.identity?.azure ? { [AZURE_USE_LABEL]: 'true' } : {};
}

/** Pod template annotations recording the identity the pods were created with. */
export function podIdentityAnnotations(server: McpServer): Record<string, string> {
  const { aws, azure } = cloudIdentity(server);
  const parts: string[] = [];
  if (aws) parts.push(`aws-${aws.mode}=${aws.roleArn}`);
  if (azure) parts.push(`azure-workload-identity=${azure.clientId}${azure.tenantId ? `@${azure.tenantId}` : ''}`);
  return parts.length > 0 ? { [IDENTITY.podAnnotation]: parts.join(' ') } : {};
}

/** Where an EKS Pod Identity association must point, or why it cannot be made. */
export type PodIdentityTarget =
  | { ok: true; clusterName: string; namespace: string; serviceAccount: string; roleArn: string }
  | { ok: false; reason: 'ClusterNameMissing'; message: string };

/** undefined when the spec does not ask for EKS Pod Identity. */
export function podIdentityTarget(server: McpServer, serviceAccount: string, defaultClusterName: string | undefined): PodIdentityTarget | undefined {
  const aws = server.spec.identity?.aws;
  if (aws?.mode !== 'pod-identity') return undefined;
  const clusterName = aws.clusterName ?? defaultClusterName;
  if (!clusterName) {
    return {
      ok: false,
      reason: 'ClusterNameMissing',
      message: 'EKS Pod Identity needs the cluster name: set spec.identity.aws.clusterName, or start the operator with --eks-cluster-name (MCPFLEET_EKS_CLUSTER_NAME)',
    };
  }
  return { ok: true, clusterName, namespace: server.metadata.namespace!, serviceAccount, roleArn: aws.roleArn };
}
