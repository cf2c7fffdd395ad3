// The slice of the EKS API that Pod Identity associations need, behind a small interface so the
// association logic is testable and the AWS SDK stays at the edge. The SDK is imported lazily on
// first use: an operator that never meets a pod-identity McpServer starts (and runs) without any
// AWS configuration. Credentials come from the SDK's default chain (env, web identity — which is
// how the operator itself gets them through IRSA or Pod Identity — profiles, container/instance
// metadata); region and endpoint may be overridden by operator flags.
// IAM the operator's own role needs: eks:ListPodIdentityAssociations,
// eks:DescribePodIdentityAssociation, eks:CreatePodIdentityAssociation,
// eks:UpdatePodIdentityAssociation, eks:DeletePodIdentityAssociation and eks:TagResource on the
// cluster's associations, plus iam:PassRole (and iam:GetRole) on the roles McpServers name.
import type * as EksSdk from '@aws-sdk/client-eks';
import type { EKSClient } from '@aws-sdk/client-eks';

export interface AssociationSummary {
  associationId: string;
  namespace: string;
  serviceAccount: string;
}

export interface Association extends AssociationSummary {
  clusterName: string;
  roleArn: string;
  associationArn?: string;
  tags: Record<string, string>;
}

export interface NewAssociation {
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  tags: Record<string, string>;
}

export interface PodIdentityApi {
  /** Associations in a namespace (optionally of one ServiceAccount), every page. */
  list(clusterName: string, namespace: string, serviceAccount?: string): Promise<AssociationSummary[]>;
  /** undefined when the association does not exist. */
  describe(clusterName: string, associationId: string): Promise<Association | undefined>;
  create(clusterName: string, association: NewAssociation): Promise<Association>;
  updateRole(clusterName: string, associationId: string, roleArn: string): Promise<Association>;
  /** Resolves false when the association was already gone. */
  delete(clusterName: string, associationId: string): Promise<boolean>;
}

/** An EKS API failure, with the AWS error name (ResourceInUseException, ServerException...). */
export class EksApiError extends Error {
  readonly errorName: string;
  readonly statusCode: number | undefined;
  constructor(operation: string, errorName: string, message: string, statusCode: number | undefined) {
    super(`EKS ${operation} failed: ${errorName}${statusCode ? ` (HTTP ${statusCode})` : ''}: ${message}`);
    this.name = 'EksApiError';
    this.errorName = errorName;
    this.statusCode = statusCode;
  }
}

export interface EksApiOptions {
  region?: string | undefined;
  endpoint?: string | undefined;
  /** SDK attempts per call (its own retry with backoff on throttling and 5xx); SDK default 3. */
  maxAttempts?: number | undefined;
}

type Sdk = typeof EksSdk;

function sdkError(operation: string, err: unknown): Error {
  if (err instanceof EksApiError) return err;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (typeof e?.name === 'string') return new EksApiError(operation, e.name, e.message ?? 'no message', e.$metadata?.httpStatusCode);
  return new EksApiError(operation, 'UnknownError', String(err), undefined);
}

function isNotFound(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ResourceNotFoundException';
}

function toAssociation(a: { associationId?: string; namespace?: string; serviceAccount?: string; clusterName?: string; roleArn?: string; associationArn?: string; tags?: Record<string, string> } | undefined, operation: string): Association {
  if (!a?.associationId || !a.namespace || !a.serviceAccount || !a.roleArn) {
    throw new EksApiError(operation, 'MalformedResponse', 'the response has no complete association (associationId, namespace, serviceAccount, roleArn)', undefined);
  }
  return {
    associationId: a.associationId,
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    clusterName: a.clusterName ?? '',
    roleArn: a.roleArn,
    ...(a.associationArn ? { associationArn: a.associationArn } : {}),
    tags: a.tags ?? {},
  };
}

/** The real EKS API through @aws-sdk/client-eks (loaded on the first call). */
export function createEksPodIdentityApi(opts: EksApiOptions = {}): PodIdentityApi {
  let loaded: Promise<{ sdk: Sdk; client: EKSClient }> | undefined;
  const load = () => {
    loaded ??= import('@aws-sdk/client-eks').then((sdk) => ({
      sdk,
      client: new sdk.EKSClient({
        ...(opts.region ? { region: opts.region } : {}),
        ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
      }),
    }));
    return loaded;
  };
  const call = async <T>(operation: string, fn: (ctx: { sdk: Sdk; client: EKSClient }) => Promise<T>): Promise<T> => {
    const ctx = await load();
    try {
      return await fn(ctx);
    } catch (err) {
      throw sdkError(operation, err);
    }
  };

  return {
    list: (clusterName, namespace, serviceAccount) =>
      call('ListPodIdentityAssociations', async ({ sdk, client }) => {
        const out: AssociationSummary[] = [];
        let nextToken: string | undefined;
        for (let page = 0; page < 1_000; page++) {
          const res = await client.send(new sdk.ListPodIdentityAssociationsCommand({ clusterName, namespace, ...(serviceAccount ? { serviceAccount } : {}), maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
          for (const a of res.associations ?? []) {
            if (a.associationId && a.namespace && a.serviceAccount) out.push({ associationId: a.associationId, namespace: a.namespace, serviceAccount: a.serviceAccount });
          }
          nextToken = res.nextToken;
          if (!nextToken) return out;
        }
        throw new EksApiError('ListPodIdentityAssociations', 'PaginationLoop', 'more than 1000 pages of associations', undefined);
      }),
    describe: async (clusterName, associationId) => {
      try {
        return await call('DescribePodIdentityAssociation', async ({ sdk, client }) => {
          const res = await client.send(new sdk.DescribePodIdentityAssociationCommand({ clusterName, associationId }));
          return toAssociation(res.association, 'DescribePodIdentityAssociation');
        });
      } catch (err) {
        if (err instanceof EksApiError && err.errorName === 'ResourceNotFoundException') return undefined;
        throw err;
      }
    },
    create: (clusterName, a) =>
      call('CreatePodIdentityAssociation', async ({ sdk, client }) => {
        const res = await client.send(new sdk.CreatePodIdentityAssociationCommand({ clusterName, namespace: a.namespace, serviceAccount: a.serviceAccount, roleArn: a.roleArn, tags: a.tags }));
        return toAssociation(res.association, 'CreatePodIdentityAssociation');
      }),
    updateRole: (clusterName, associationId, roleArn) =>
      call('UpdatePodIdentityAssociation', async ({ sdk, client }) => {
        const res = await client.send(new sdk.UpdatePodIdentityAssociationCommand({ clusterName, associationId, roleArn }));
        return toAssociation(res.association, 'UpdatePodIdentityAssociation');
      }),
    delete: async (clusterName, associationId) => {
      const { sdk, client } = await load();
      try {
        await client.send(new sdk.DeletePodIdentityAssociationCommand({ clusterName, associationId }));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw sdkError('DeletePodIdentityAssociation', err);
      }
    },
  };
}
