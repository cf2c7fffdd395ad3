// The operator benchmark on the real control plane (hack/cluster): N McpServers, kwok Nodes for
// their pods, the real operator in its own process, requests counted from the audit log; then a
// baseline with no operator that issues the same minimal writes (each McpServer's children by
// server-side apply, built by the operator's own builders, and one status apply) at the same
// concurrency and waits, as the operator run does, until the control plane has made every
// Deployment available — so the operator's time reads as a ratio to what the cluster itself needs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuditAccounting } from '../cluster/src/audit.ts';
import { startCluster, type LocalCluster } from '../cluster/src/cluster.ts';
import { waitForCrdEstablished } from '../cluster/src/crd.ts';
import { desiredChildren } from '../../operator/src/mcpserver/children.ts';
import type { McpServer } from '../../operator/src/api/mcpserver.ts';
import { measureOperator, type OperatorFigures } from './operator-measure.ts';

const NAMESPACES = 10;
const FIELD_MANAGER = 'bench-baseline';
/** kwok Nodes carry 1,000 pods each (see hack/cluster); keep headroom. */
const PODS_PER_NODE = 900;

export interface RealRunOptions {
  root: string;
  n: number;
  workers: number;
  mcpEndpoint: string;
  /** Wall-clock cap of the operator run and, separately, of the baseline. */
  capMs: number;
  /** Client QPS of kube-controller-manager and kube-scheduler (undefined: their defaults). */
  controlPlaneQps: number | undefined;
  /** Called with the operator's figures as soon as its run ends, before the baseline starts. */
  onOperatorFigures: (figures: OperatorFigures) => void;
}

export interface Baseline {
  seconds: number;
  complete: boolean;
  /** McpServers whose minimal writes were made, and Deployments available, when it ended. */
  written: number;
  available: number;
}

/** Runs `work` over the items `concurrency` at a time; stops taking items once `until` is past. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>, until = Infinity): Promise<number> {
  let next = 0;
  let done = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length && Date.now() < until) {
      await work(items[next++]!);
      done++;
    }
  }));
  return done;
}

async function must(cluster: LocalCluster, method: string, urlPath: string, body?: unknown, contentType?: string): Promise<Record<string, unknown>> {
  const r = await cluster.request(method, urlPath, body, contentType);
  if (r.status >= 300 && r.status !== 409) throw new Error(`${method} ${urlPath}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const mcp = (ns: string, name: string) => ({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name, namespace: ns }, spec: { catalog: 'utility' } });

async function createServers(cluster: LocalCluster, prefix: string, n: number): Promise<[string, string][]> {
  for (let i = 0; i < NAMESPACES; i++) await must(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${prefix}-${i}` } });
  const names = Array.from({ length: n }, (_, i) => [`${prefix}-${i % NAMESPACES}`, `s${i}`] as [string, string]);
  await pool(names, 16, async ([ns, name]) => void (await must(cluster, 'POST', `/apis/mcpfleet.dev/v1alpha1/namespaces/${ns}/mcpservers`, mcp(ns, name))));
  return names;
}

const pathOf = (o: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } }) => {
  const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const plural = `${o.kind.toLowerCase()}s`;
  return `${base}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`;
};

type Listed = { metadata: { namespace: string }; status?: { conditions?: { type: string; status: string }[]; availableReplicas?: number } };

async function countIn(cluster: LocalCluster, collection: string, prefix: string, done: (item: Listed) => boolean): Promise<number> {
  const list = (await cluster.request<{ items: Listed[] }>('GET', collection)).body;
  return list.items.filter((item) => item.metadata.namespace.startsWith(`${prefix}-`) && done(item)).length;
}

const isReady = (s: Listed) => s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const isAvailable = (d: Listed) => (d.status?.availableReplicas ?? 0) >= 1;

/** The minimal writes without an operator, then the wait for every Deployment to be available. */
async function baseline(cluster: LocalCluster, servers: [string, string][], workers: number, capMs: number, pollMs: number): Promise<Baseline> {
  const started = Date.now();
  const written = await pool(servers, workers, async ([ns, name]) => {
    const server = (await must(cluster, 'GET', `/apis/mcpfleet.dev/v1alpha1/namespaces/${ns}/mcpservers/${name}`)) as unknown as McpServer;
    const children = desiredChildren(server, { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} });
    for (const child of children) await must(cluster, 'PATCH', `${pathOf(child as never)}?fieldManager=${FIELD_MANAGER}&force=true`, child, 'application/apply-patch+yaml');
    await must(cluster, 'PATCH', `/apis/mcpfleet.dev/v1alpha1/namespaces/${ns}/mcpservers/${name}/status?fieldManager=${FIELD_MANAGER}&force=true`, { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name, namespace: ns }, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'ServerReady', message: 'baseline', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } }, 'application/apply-patch+yaml');
  }, started + capMs);
  console.log(`  baseline: minimal writes for ${written}/${servers.length} McpServers done in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the Deployments to be available`);
  let available: number;
  while ((available = await countIn(cluster, '/apis/apps/v1/deployments', 'base', isAvailable)) < servers.length && Date.now() - started < capMs) await new Promise((r) => setTimeout(r, pollMs));
  const complete = available >= servers.length;
  if (!complete) console.log(`  baseline STOPPED at the wall-clock cap with ${available}/${servers.length} Deployments available`);
  return { seconds: (Date.now() - started) / 1000, complete, written, available };
}

/** The operator run (its figures go to onOperatorFigures at once), then the baseline. */
export async function runOnRealCluster(opts: RealRunOptions): Promise<{ operator: OperatorFigures; baseline: Baseline }> {
  const cluster = await startCluster({ nodes: Math.max(1, Math.ceil((2 * opts.n) / PODS_PER_NODE)), controlPlaneClientQps: opts.controlPlaneQps, log: (line) => console.error(`[cluster] ${line}`) });
  try {
    const crd = readFileSync(path.join(opts.root, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8');
    await must(cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, 'application/yaml');
    await waitForCrdEstablished(cluster, 'mcpservers.mcpfleet.dev');
    await createServers(cluster, 'bench', opts.n);
    // Listing thousands of McpServers is work for the API server too: poll less often at scale.
    const pollMs = Math.max(1_000, opts.n / 2);
    const accounting = new AuditAccounting(cluster.auditLogPath);
    const operator = await measureOperator(
      {
        label: 'real control plane',
        kubeconfig: cluster.kubeconfigPath,
        countReady: () => countIn(cluster, '/apis/mcpfleet.dev/v1alpha1/mcpservers', 'bench', isReady),
        resetAccounting: () => accounting.reset(),
        operatorRequests: () => accounting.select({ userAgent: 'mcpfleet-operator' }),
      },
      { ...opts, pollMs },
    );
    opts.onOperatorFigures(operator);
    const baseServers = await createServers(cluster, 'base', opts.n);
    return { operator, baseline: await baseline(cluster, baseServers, opts.workers, opts.capMs, pollMs) };
  } finally {
    await cluster.stop();
  }
}
