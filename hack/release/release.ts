// `npm run release`: pushes the images `npm run images` built (rebuilt first when the commit
// changed) to <registry>/operator and <registry>/servers with one tag, optionally publishes the
// chart with those images pinned by digest, and for Amazon ECR first makes sure the repositories
// exist with the required settings and logs in with an ECR authorization token.
import { buildImages } from '../images/build.ts';
import type { BuiltImage, ImageName } from '../images/build.ts';
import { publishChart } from './chart-publish.ts';
import type { ChartRelease } from './chart-publish.ts';
import { ecrClient, ecrCredentials, ensureRepositories, parseEcrHost } from './ecr.ts';
import type { RegistryCredentials, RepositoryOutcome } from './ecr.ts';
import { isLoopbackRegistry, pushArchive } from './push.ts';

export interface ReleaseOptions {
  /** host[:port][/path], e.g. ghcr.io/mcpfleet or 123456789012.dkr.ecr.eu-west-1.amazonaws.com/mcpfleet */
  registry: string;
  tag: string;
  /** Also package and push the chart to oci://<registry>/charts. */
  chart: boolean;
  /**
   * Run the ECR steps for a registry whose host does not say ECR (e.g. a private DNS alias);
   * ECR hosts turn them on by themselves.
   */
  ecr: boolean;
  /** Region of the ECR API when the host does not name one (default AWS_REGION). */
  ecrRegion?: string;
  /** Credentials of a non-ECR registry (default: skopeo's and helm's own login files). */
  credentials?: RegistryCredentials;
  /** The images to push (default: buildImages(), which reuses an up-to-date build). */
  images?: () => Promise<BuiltImage[]>;
}

export interface PushedImage {
  name: ImageName;
  repository: string;
  tag: string;
  digest: string;
}

export interface ReleaseResult {
  images: PushedImage[];
  repositories: RepositoryOutcome[];
  chart?: ChartRelease;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REGISTRY = /^[a-z0-9.-]+(:\d{1,5})?(\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

export function parseRegistry(registry: string): { host: string; path: string } {
  if (!REGISTRY.test(registry)) throw new Error(`--registry ${registry}: expected host[:port][/path] in lower case, without a scheme`);
  const slash = registry.indexOf('/');
  return slash < 0 ? { host: registry, path: '' } : { host: registry.slice(0, slash), path: registry.slice(slash + 1) };
}

export function validateTag(tag: string): string {
  if (!TAG.test(tag)) throw new Error(`--tag ${tag}: a tag is up to 128 letters, digits, '_', '.', '-' and does not start with '.' or '-'`);
  return tag;
}

function repositoryName(path: string, name: string): string {
  return path === '' ? name : `${path}/${name}`;
}

export async function release(options: ReleaseOptions): Promise<ReleaseResult> {
  const { host, path } = parseRegistry(options.registry);
  const tag = validateTag(options.tag);
  const insecure = isLoopbackRegistry(host);
  const images = await (options.images ?? (async () => (await buildImages()).images))();

  let credentials = options.credentials;
  let repositories: RepositoryOutcome[] = [];
  const ecrHost = parseEcrHost(host);
  if (ecrHost !== undefined || options.ecr) {
    const region = ecrHost?.region ?? options.ecrRegion ?? process.env.AWS_REGION;
    if (region === undefined || region === '') throw new Error('ECR: no region (use --ecr-region or AWS_REGION)');
    const client = ecrClient(region);
    try {
      const names = images.map((image) => repositoryName(path, image.name));
      if (options.chart) names.push(repositoryName(path, 'charts/mcpfleet'));
      repositories = await ensureRepositories(client, names);
      credentials = await ecrCredentials(client);
    } finally {
      client.destroy();
    }
  }

  const pushed: PushedImage[] = [];
  for (const image of images) {
    const repository = `${host}/${repositoryName(path, image.name)}`;
    const digest = await pushArchive(image.archive, { repository, tag, insecure, ...(credentials !== undefined && { credentials }) });
    if (digest !== image.digest) throw new Error(`${repository}: the registry stored ${digest}, the build made ${image.digest}`);
    pushed.push({ name: image.name, repository, tag, digest });
  }

  const result: ReleaseResult = { images: pushed, repositories };
  if (options.chart) {
    const pinned = (name: ImageName) => {
      const found = pushed.find((p) => p.name === name);
      if (found === undefined) throw new Error(`the chart needs the ${name} image`);
      return { repository: found.repository, digest: found.digest };
    };
    result.chart = await publishChart({
      ociBase: `oci://${host}/${repositoryName(path, 'charts')}`,
      tag,
      images: { operator: pinned('operator'), servers: pinned('servers') },
      plainHttp: insecure,
      ...(credentials !== undefined && { credentials }),
    });
  }
  return result;
}
