// The chart as an OCI artifact: a copy of charts/mcpfleet whose values point at the images just
// pushed (repository and digest, so an install runs exactly those bytes), packaged with the
// release's version and pushed with `helm push` to oci://<registry>/charts.
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { toolPath } from '../chart/tools.ts';
import { execOkCombined } from '../images/exec.ts';
import { REPO_ROOT } from '../images/paths.ts';
import type { RegistryCredentials } from './ecr.ts';

export const CHART_SOURCE = join(REPO_ROOT, 'charts', 'mcpfleet');

export interface PinnedImage {
  repository: string;
  digest: string;
}

export interface ChartRelease {
  /** oci://<registry>/charts/mcpfleet */
  reference: string;
  version: string;
  digest: string;
}

/** values.yaml with the images pinned, comments kept (the chart README is generated from them). */
export function pinValues(valuesYaml: string, images: { operator: PinnedImage; servers: PinnedImage }, tag: string): string {
  const doc = parseDocument(valuesYaml);
  doc.setIn(['image', 'repository'], images.operator.repository);
  doc.setIn(['image', 'tag'], tag);
  doc.setIn(['image', 'digest'], images.operator.digest);
  doc.setIn(['serversImage', 'repository'], images.servers.repository);
  doc.setIn(['serversImage', 'tag'], tag);
  doc.setIn(['serversImage', 'digest'], images.servers.digest);
  return doc.toString({ lineWidth: 0 });
}

/** Chart versions are SemVer 2; a tag like v1.2.3 becomes 1.2.3. */
export function chartVersionOf(tag: string): string {
  const version = tag.replace(/^v(?=\d)/, '');
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`--tag ${tag} is not a SemVer version, so it cannot version the chart`);
  return version;
}

export interface PublishChartOptions {
  /** oci://host[:port]/path (the chart lands at <this>/mcpfleet). */
  ociBase: string;
  tag: string;
  images: { operator: PinnedImage; servers: PinnedImage };
  credentials?: RegistryCredentials;
  plainHttp: boolean;
}

export async function publishChart(options: PublishChartOptions): Promise<ChartRelease> {
  const version = chartVersionOf(options.tag);
  const work = await mkdtemp(join(tmpdir(), 'mcpfleet-chart-release-'));
  const helmEnv = { HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config'), HELM_DATA_HOME: join(work, 'data') };
  const helm = (args: string[], input?: string) => execOkCombined(toolPath('helm'), args, { env: helmEnv, timeoutMs: 300_000, ...(input !== undefined && { input }) });
  try {
    const chartDir = join(work, 'mcpfleet');
    await cp(CHART_SOURCE, chartDir, { recursive: true });
    await writeFile(join(chartDir, 'values.yaml'), pinValues(await readFile(join(chartDir, 'values.yaml'), 'utf8'), options.images, options.tag));
    await helm(['package', chartDir, '--version', version, '--app-version', version, '--destination', work]);
    const archive = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (archive === undefined) throw new Error('helm package produced no archive');
    const host = options.ociBase.replace(/^oci:\/\//, '').split('/')[0]!;
    if (options.credentials !== undefined) {
      await helm(['registry', 'login', host, '--username', options.credentials.username, '--password-stdin', ...(options.plainHttp ? ['--plain-http'] : [])], options.credentials.password);
    }
    const out = await helm(['push', join(work, archive), options.ociBase, ...(options.plainHttp ? ['--plain-http'] : [])]);
    const digest = /Digest:\s*(sha256:[0-9a-f]{64})/.exec(out)?.[1];
    if (digest === undefined) throw new Error(`helm push printed no digest: ${out}`);
    return { reference: `${options.ociBase}/mcpfleet`, version, digest };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
