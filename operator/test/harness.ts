// Integration-test harness: an API server with the McpServer CRD — kube-sim, or the real control
// plane of hack/cluster (backend: 'real') — the real operator (real @kubernetes/client-node
// config, real HTTP), and catalog-server pods served in-process by the real servers kit, so
// verification speaks real MCP. Each test gets a fresh kube-sim, or fresh namespaces on the one
// real cluster of the run; on the real cluster the operator runs as its own ServiceAccount.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { pollUntil } from '../../hack/cluster/src/http.ts';
import { startKubeSim, type KubeSim } from '../../hack/kube-sim/src/api.ts';
import type { Accounting } from '../../hack/kube-sim/src/accounting.ts';
import type { PodRunner, RunningPod } from '../../hack/kube-sim/src/kubelet.ts';
import type { KubeObject } from '../../hack/kube-sim/src/types.ts';
import { catalogNames, loadOpener } from '../../servers/catalog.ts';
import { createLogger as createKitLogger } from '../../servers/kit/logger.ts';
import { startTestServer } from '../../servers/kit/testing.ts';
import { parseConfig } from '../src/config/config.ts';
import type { McpServer } from '../src/api/mcpserver.ts';
import { createLogger } from '../src/observability/logger.ts';
import { Operator } from '../src/operator.ts';
import type { EndpointResolver } from '../src/mcpserver/verifier.ts';
import type { BackendName } from './backends.ts';
import { startRealBackend, type RealBackend } from './real-backend.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVERS_IMAGE = 'ghcr.io/mcpfleet/servers';
export const TEST_AGENT = 'mcpfleet-test';

interface Container {
  image?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
}

/** Runs a catalog-server pod as an in-process kit server on 127.0.0.1 (plain env values only). */
export function inProcessCatalogRunner(): PodRunner {
  // Catalog servers only: the proxy sidecar and the bridge installer of image servers are not.
  const container = (template: KubeObject): Container | undefined =>
    ((template as { spec?: { containers?: Container[] } }).spec?.containers ?? []).find((c) => c.image?.startsWith(`${SERVERS_IMAGE}:`) && catalogNames().includes(c.args?.[0] ?? ''));
  return {
    matches: (template) => container(template) !== undefined,
    async start(pod): Promise<RunningPod> {
      const c = container(pod)!;
      const env: Record<string, string> = {};
      for (const v of c.env ?? []) if (v.value !== undefined) env[v.name] = v.value;
      delete env.PORT;
      delete env.HOST;
      const opener = await loadOpener(c.args![0]!);
      if (!opener) throw new Error(`no catalog server ${c.args![0]}`);
      const server = await opener(env, { logger: createKitLogger({ level: 'error', stream: new PassThrough() } as never), httpTimeoutMs: 5_000 });
      const running = await startTestServer(server, env);
      return { address: running.baseUrl, stop: () => running.close() };
    },
  };
}

export interface HarnessOptions {
  /** Extra CRD/manifests files applied before the operator starts. */
  manifests?: string[];
  operatorFlags?: string[];
  kubeletDelayMs?: number;
  /** kube-sim: how long a pod waiting for a missing Secret/ConfigMap takes to retry once one changes. */
  kubeletReferenceRetryMs?: number;
  /** Start the operator at once (default true). */
  startOperator?: boolean;
  /** Run catalog pods as in-process servers (default true). */
  runServers?: boolean;
  /** More pod runners, tried before the catalog one. */
  runners?: PodRunner[];
  /** The API server (default kube-sim). */
  backend?: BackendName;
}

/** Request accounting, the same queries on both backends (kube-sim's own, or the real audit log). */
export type RequestAccounting = Pick<Accounting, 'count' | 'select' | 'reset' | 'snapshot'>;

export interface Harness {
  backend: BackendName;
  /** kube-sim itself: only on the kube-sim backend (fault injection and the like); throws on the real one. */
  sim: KubeSim;
  /** Requests by client, verb and resource since the last reset. */
  accounting: RequestAccounting;
  /** An admin kubeconfig (kubectl, helm). */
  kubeconfigPath: string;
  /** Resolves once the cluster's controllers (and the operator) have caught up with recent writes. */
  settle(): Promise<void>;
  operator: Operator;
  /** Starts another operator replica against the same cluster. */
  newOperator(flags?: string[]): Operator;
  /** Requests through the API as a test client (not counted as operator traffic). */
  request<T = Record<string, unknown>>(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<{ status: number; body: T }>;
  get<T = Record<string, unknown>>(urlPath: string): Promise<T | undefined>;
  apply(manifest: Record<string, unknown>): Promise<void>;
  mcpServer(namespace: string, name: string): Promise<McpServer | undefined>;
  condition(namespace: string, name: string, type: string): Promise<{ status: string; reason: string; message: string; lastTransitionTime: string } | undefined>;
  /** Operator writes (create/update/patch/delete) since the last accounting reset. */
  operatorWrites(): number;
  /** Reconciles the first operator has finished (every result). */
  reconcileCount(): Promise<number>;
  stop(): Promise<void>;
}

export const MCP = (namespace: string, name?: string) => `/apis/mcpfleet.dev/v1alpha1/namespaces/${namespace}/mcpservers${name ? `/${name}` : ''}`;

export function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  return pollUntil(what, async () => probe(), timeoutMs, 50);
}

/** What the harness needs from an API server backend. */
interface Backend {
  name: BackendName;
  sim?: KubeSim;
  operatorKubeconfigPath: string;
  adminKubeconfigPath: string;
  accounting: RequestAccounting;
  resolver: EndpointResolver;
  request<T>(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<{ status: number; body: T }>;
  settle(reconciles: () => Promise<number>): Promise<void>;
  stop(): Promise<void>;
}

async function kubeSimBackend(opts: HarnessOptions): Promise<Backend> {
  const sim = await startKubeSim({
    log: () => undefined,
    kubeletDelayMs: opts.kubeletDelayMs ?? 20,
    ...(opts.kubeletReferenceRetryMs !== undefined && { kubeletReferenceRetryMs: opts.kubeletReferenceRetryMs }),
    bookmarkIntervalMs: 1_000,
    runners: [...(opts.runners ?? []), ...(opts.runServers === false ? [] : [inProcessCatalogRunner()])],
    namespaces: ['team-a', 'team-b', 'mcpfleet-system'],
  });
  sim.applyManifests(readFileSync(path.join(REPO_ROOT, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));
  for (const file of opts.manifests ?? []) sim.applyManifests(readFileSync(path.isAbsolute(file) ? file : path.join(REPO_ROOT, file), 'utf8'));
  return {
    name: 'kube-sim',
    sim,
    operatorKubeconfigPath: sim.kubeconfigPath,
    adminKubeconfigPath: sim.kubeconfigPath,
    accounting: sim.accounting,
    resolver: { endpoints: (server) => sim.kubelet.endpointsFor(server.metadata.namespace!, server.metadata.name!).map((a) => `${a}${server.spec.transport.path}`) },
    async request<T>(method: string, urlPath: string, body?: unknown, contentType = 'application/json') {
      const response = await fetch(`${sim.url}${urlPath}`, {
        method,
        headers: { 'user-agent': `${TEST_AGENT}/0`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    settle: async (reconciles) => {
      await sim.settle();
      await quiescent(reconciles);
    },
    stop: () => sim.stop(),
  };
}

/** Resolves when `count` has not moved for `quietMs` (the real server has no "settled" signal). */
export async function quiescent(count: () => Promise<number> | number, quietMs = 1_000, timeoutMs = 30_000): Promise<void> {
  let last = await count();
  let since = Date.now();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`still changing after ${timeoutMs} ms (the operator did not go quiet)`);
    await new Promise((r) => setTimeout(r, 100));
    const now = await count();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

async function realBackend(opts: HarnessOptions): Promise<Backend> {
  const real: RealBackend = await startRealBackend(REPO_ROOT, opts.manifests ?? [], opts.runServers === false ? undefined : inProcessCatalogRunner());
  const resolver: EndpointResolver = {
    async endpoints(server, url) {
      return (await real.resolver.endpoints(server, url)).map((a) => `${a}${server.spec.transport.path}`);
    },
  };
  return {
    name: 'real',
    operatorKubeconfigPath: real.operatorKubeconfigPath,
    adminKubeconfigPath: real.cluster.kubeconfigPath,
    accounting: real.accounting,
    resolver,
    request: (method, urlPath, body, contentType) => real.cluster.request(method, urlPath, body, contentType),
    settle: (reconciles) => quiescent(reconciles),
    stop: () => real.stop(),
  };
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const backend = opts.backend === 'real' ? await realBackend(opts) : await kubeSimBackend(opts);
  const operators: Operator[] = [];
  const newOperator = (flags: string[] = []) => {
    const config = parseConfig(
      ['--kubeconfig', backend.operatorKubeconfigPath, '--health-probe-bind-address', '127.0.0.1:0', '--metrics-bind-address', '127.0.0.1:0', '--metrics-secure=false', '--leader-elect=false', '--verify-interval', '10m', '--watch-backoff-initial', '50ms', '--watch-backoff-max', '500ms', '--requeue-base-delay', '20ms', '--requeue-max-delay', '2s', ...(opts.operatorFlags ?? []), ...flags],
      {},
    );
    const operator = new Operator({
      config,
      logger: process.env.MCPFLEET_TEST_LOGS ? createLogger({ level: 'debug' }) : createLogger({ level: 'error', stream: new PassThrough() }),
      verifyTimeoutMs: 5_000,
      endpointResolver: backend.resolver,
    });
    operators.push(operator);
    return operator;
  };
  const operator = newOperator();
  if (opts.startOperator !== false) await operator.start();

  const request = <T>(method: string, urlPath: string, body?: unknown, contentType = 'application/json') => backend.request<T>(method, urlPath, body, contentType);
  const get = async <T>(urlPath: string) => {
    const r = await request<T>('GET', urlPath);
    return r.status === 200 ? r.body : undefined;
  };
  const reconcileCount = async () => {
    const metric = operator.metrics.registry.getSingleMetric('mcpfleet_reconcile_total');
    return metric ? ((await metric.get()).values as { value: number }[]).reduce((n, v) => n + v.value, 0) : 0;
  };
  return {
    backend: backend.name,
    get sim(): KubeSim {
      if (!backend.sim) throw new Error('h.sim is kube-sim only: this test must not run on the real backend');
      return backend.sim;
    },
    accounting: backend.accounting,
    kubeconfigPath: backend.adminKubeconfigPath,
    settle: () => backend.settle(reconcileCount),
    operator,
    newOperator,
    request,
    get,
    async apply(manifest) {
      const meta = manifest.metadata as { name: string; namespace?: string };
      const r = await request('PATCH', `${MCP(meta.namespace ?? 'default', meta.name)}?fieldManager=${TEST_AGENT}&force=true`, manifest, 'application/apply-patch+yaml');
      if (r.status >= 300) throw new Error(`apply failed: ${r.status} ${JSON.stringify(r.body)}`);
    },
    mcpServer: (namespace, name) => get<McpServer>(MCP(namespace, name)),
    async condition(namespace, name, type) {
      const server = await get<McpServer>(MCP(namespace, name));
      return server?.status?.conditions?.find((c) => c.type === type);
    },
    reconcileCount,
    operatorWrites: () => ['create', 'update', 'patch', 'delete', 'deletecollection'].reduce((n, verb) => n + backend.accounting.count({ userAgent: 'mcpfleet-operator', verb }), 0),
    async stop() {
      for (const op of operators) await op.stop().catch(() => undefined);
      await backend.stop();
    },
  };
}

export function utilityServer(name: string, namespace = 'team-a', spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name, namespace }, spec: { catalog: 'utility', ...spec } };
}
