// Amazon ECR before a push: every image repository exists with scan on push, immutable tags and a
// lifecycle policy, and the registry credentials come from GetAuthorizationToken. Existing
// repositories keep their settings except the lifecycle policy, which is put every time so the
// one in this file is the one in force.
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';

/** <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]: the host of a private ECR registry. */
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export interface EcrRegistry {
  accountId: string;
  region: string;
}

export function parseEcrHost(host: string): EcrRegistry | undefined {
  const match = ECR_HOST.exec(host);
  return match === null ? undefined : { accountId: match[1]!, region: match[2]! };
}

/** Keeps the last 50 tagged images and expires untagged ones after 7 days. */
export const LIFECYCLE_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'Expire untagged images after 7 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'Keep the last 50 images',
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 },
      action: { type: 'expire' },
    },
  ],
};

export interface RepositoryOutcome {
  name: string;
  created: boolean;
  uri: string;
}

async function repositoryExists(client: ECRClient, name: string): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return out.repositories?.[0]?.repositoryUri;
  } catch (error) {
    if (error instanceof RepositoryNotFoundException) return undefined;
    throw error;
  }
}

/** Creates the repositories that are missing and puts the lifecycle policy on all of them. */
export async function ensureRepositories(client: ECRClient, names: readonly string[]): Promise<RepositoryOutcome[]> {
  const out: RepositoryOutcome[] = [];
  for (const name of names) {
    let uri = await repositoryExists(client, name);
    const created = uri === undefined;
    if (uri === undefined) {
      const made = await client.send(
        new CreateRepositoryCommand({
          repositoryName: name,
          imageScanningConfiguration: { scanOnPush: true },
          imageTagMutability: 'IMMUTABLE',
          encryptionConfiguration: { encryptionType: 'AES256' },
        }),
      );
      uri = made.repository?.repositoryUri ?? name;
    }
    await client.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: JSON.stringify(LIFECYCLE_POLICY) }));
    out.push({ name, created, uri });
  }
  return out;
}

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** The registry login of GetAuthorizationToken: base64 "AWS:<password>", valid for 12 hours. */
export async function ecrCredentials(client: ECRClient): Promise<RegistryCredentials> {
  const out = await client.send(new GetAuthorizationTokenCommand({}));
  const token = out.authorizationData?.[0]?.authorizationToken;
  if (token === undefined) throw new Error('ECR GetAuthorizationToken returned no token');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new Error('ECR authorization token is not "user:password"');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function ecrClient(region: string): ECRClient {
  // AWS_ENDPOINT_URL_ECR (or AWS_ENDPOINT_URL) redirects the client, e.g. to a VPC endpoint.
  return new ECRClient({ region });
}
