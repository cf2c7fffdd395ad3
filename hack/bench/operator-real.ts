// The operator benchmark on the real control plane (hack/cluster): N McpServers, kwok Nodes for
// their pods, the real operator in its own process, requests counted from the audit log; then a
// baseline with no operator that issues the same minimal writes (each McpServer's children by
// server-side apply, built by the operator's own builders, and one status apply) at the same
// concurrency, so the operator's time reads as a ratio to what the API server itself needs.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuditAccounting } from '../cluster/src/audit.ts';
import { startCluster, type LocalCluster } from '../cluster/src/cluster.ts';
import { waitForCrdEstablished } from '../cluster/src/crd.ts';
import { desiredChildren } from '../../operator/src/mcpserver/children.ts';
import type { McpServer } from '../../operator/src/api/mcpserver.ts';

const NAMESPACES = 10;
const WORKERS = 8;
const DEADLINE_MS = 30 * 60_000;
const FIELD_MANAGER = 'bench-baseline';

export interface BenchFigures {
  n: number;
  ready: number;
  seconds: number;
  writes: number;
  events: number;
  reads: number;
  lists: number;
  heapUsed: number;
  rss: number;
  baselineSeconds?: number;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
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

/** The minimal writes without an operator: children by SSA, then one status apply, per McpServer. */
async function baseline(cluster: LocalCluster, servers: [string, string][]): Promise<number> {
  const started = Date.now();
  await pool(servers, WORKERS, async ([ns, name]) => {
    const server = (await must(cluster, 'GET', `/apis/mcpfleet.dev/v1alpha1/namespaces/${ns}/mcpservers/${name}`)) as unknown as McpServer;
    const children = desiredChildren(server, { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} });
    for (const child of children) await must(cluster, 'PATCH', `${pathOf(child as never)}?fieldManager=${FIELD_MANAGER}&force=true`, child, 'application/apply-patch+yaml');
    await must(cluster, 'PATCH', `/apis/mcpfleet.dev/v1alpha1/namespaces/${ns}/mcpservers/${name}/status?fieldManager=${FIELD_MANAGER}&force=true`, { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name, namespace: ns }, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'ServerReady', message: 'baseline', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } }, 'application/apply-patch+yaml');
  });
  return (Date.now() - started) / 1000;
}

export async function runOnRealCluster(root: string, n: number, mcpEndpoint: string): Promise<BenchFigures> {
  const cluster = await startCluster({ nodes: Math.max(1, Math.ceil(n / 900)), log: (line) => console.error(`[cluster] ${line}`) });
  try {
    const crd = readFileSync(path.join(root, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8');
    await must(cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, 'application/yaml');
    await waitForCrdEstablished(cluster, 'mcpservers.mcpfleet.dev');
    await createServers(cluster, 'bench', n);
    const accounting = new AuditAccounting(cluster.auditLogPath);
    accounting.reset();
    const started = Date.now();
    const child = fork(path.join(root, 'hack/bench/operator-child.ts'), ['--kubeconfig', cluster.kubeconfigPath, '--leader-elect=false', '--metrics-host', '127.0.0.1', '--metrics-port', '0', '--workers', String(WORKERS), '--verify-interval', '10m', '--resync-period', '0'], {
      env: { ...process.env, BENCH_MCP_ENDPOINT: mcpEndpoint },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ask = <T>(message: string) => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)) && child.send(message));
    await new Promise((resolve) => child.once('message', resolve));
    let ready = 0;
    while (Date.now() - started < DEADLINE_MS) {
      const list = (await cluster.request<{ items: { metadata: { namespace: string }; status?: { conditions?: { type: string; status: string }[] } }[] }>('GET', '/apis/mcpfleet.dev/v1alpha1/mcpservers')).body;
      ready = list.items.filter((s) => s.metadata.namespace.startsWith('bench-') && s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready === n) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1_000));
    const records = accounting.select({ userAgent: 'mcpfleet-operator' });
    const writes = records.filter((r) => !['get', 'list', 'watch'].includes(r.verb));
    const memory = await ask<{ heapUsed: number; rss: number }>('memory');
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    const baseServers = await createServers(cluster, 'base', n);
    const baselineSeconds = await baseline(cluster, baseServers);
    return {
      n,
      ready,
      seconds,
      writes: writes.length - writes.filter((r) => r.resource === 'events').length,
      events: writes.filter((r) => r.resource === 'events').length,
      reads: records.filter((r) => r.verb === 'get').length,
      lists: records.filter((r) => r.verb === 'list' || r.verb === 'watch').length,
      heapUsed: memory.heapUsed,
      rss: memory.rss,
      baselineSeconds,
    };
  } finally {
    await cluster.stop();
  }
}
