// The programmatic entry point: start a simulator on a loopback port, get a kubeconfig, stop it.
// Wires the store, registry, service, controllers (garbage collector, namespace and CRD
// lifecycle, kubelet), fault injection, accounting and the HTTP server together.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseAllDocuments } from 'yaml';
import { Store } from './store.ts';
import { Registry } from './registry.ts';
import { ResourceService } from './service.ts';
import { Faults } from './faults.ts';
import type { ErrorRule, LatencyRule, WatchRule } from './faults.ts';
import { Accounting } from './accounting.ts';
import { GarbageCollector } from './gc.ts';
import { LifecycleControllers } from './lifecycle.ts';
import { Kubelet } from './kubelet.ts';
import type { PodRunner } from './kubelet.ts';
import { createApiServer } from './server.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { sendJson } from './http-util.ts';
import type { KubeObject } from './types.ts';
import { ApiError } from './errors.ts';
import { isPlainObject } from './object-util.ts';

export interface KubeSimOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Number of events kept for watch resumption; older resourceVersions get 410 Gone. */
  watchWindow?: number;
  /** Delay before a Deployment's pods and status follow its spec. */
  kubeletDelayMs?: number;
  /**
   * Delay before the kubelet retries a pod waiting for a missing Secret/ConfigMap once one
   * changes in its namespace (default: kubeletDelayMs). The real kubelet retries on its own
   * backoff, seconds to minutes later; a long value shows what the operator does meanwhile.
   */
  kubeletReferenceRetryMs?: number;
  /** Processes to run for recognised pod templates. */
  runners?: PodRunner[];
  /** Directories of YAML manifests (CRDs first, then other objects) applied at start. */
  crdDirs?: string[];
  /** Where to write the kubeconfig; a temporary file by default. */
  kubeconfigPath?: string;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs?: number;
  /** Seed of the fault injector's random numbers. */
  faultSeed?: number;
  /** Where log lines go (default: stderr). */
  log?: (line: string) => void;
  /** Namespaces created at start besides default, kube-system, kube-public, kube-node-lease. */
  namespaces?: string[];
}

export interface KubeSim {
  url: string;
  port: number;
  kubeconfigPath: string;
  kubeconfigYaml: string;
  faults: Faults;
  accounting: Accounting;
  kubelet: Kubelet;
  store: Store;
  registry: Registry;
  service: ResourceService;
  /** Loads manifests (YAML text with one or more documents) as if created through the API. */
  applyManifests(yamlText: string): KubeObject[];
  /** Resolves once the controllers have processed every pending event. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startKubeSim(opts: KubeSimOptions = {}): Promise<KubeSim> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const store = new Store(opts.watchWindow ?? 10000);
  const registry = new Registry();
  const service = new ResourceService(store, registry);
  const faults = new Faults(opts.faultSeed ?? 1);
  const accounting = new Accounting();
  const gc = new GarbageCollector(store, service, registry);
  const lifecycle = new LifecycleControllers(store, service, registry);
  const kubelet = new Kubelet(store, service, registry, { delayMs: opts.kubeletDelayMs ?? 100, referenceRetryMs: opts.kubeletReferenceRetryMs, runners: opts.runners ?? [], log });

  const nsInfo = registry.lookup('', 'v1', 'namespaces');
  if (nsInfo === undefined) throw new Error('kube-sim: namespaces are not registered');
  for (const ns of [...SYSTEM_NAMESPACES, ...(opts.namespaces ?? [])]) {
    if (service.tryGet(nsInfo, '', ns) === undefined) service.create(nsInfo, '', { metadata: { name: ns } }, { manager: 'kube-apiserver' });
  }

  const applyManifests = (yamlText: string): KubeObject[] => {
    const out: KubeObject[] = [];
    for (const doc of parseAllDocuments(yamlText)) {
      if (doc.errors.length > 0) throw new Error(`kube-sim: invalid YAML: ${doc.errors[0]?.message ?? ''}`);
      const obj = doc.toJS() as unknown;
      if (obj === null || obj === undefined) continue;
      if (!isPlainObject(obj)) throw new Error('kube-sim: a manifest document is not an object');
      const items = obj.kind === 'List' && Array.isArray(obj.items) ? obj.items : [obj];
      for (const item of items) out.push(createFromManifest(registry, service, item));
    }
    return out;
  };

  for (const dir of opts.crdDirs ?? []) {
    const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    for (const f of files) applyManifests(await readFile(join(dir, f), 'utf8'));
  }

  gc.start();
  lifecycle.start();
  kubelet.start();

  let kubeconfigPath = opts.kubeconfigPath;
  let tempDir: string | undefined;
  if (kubeconfigPath === undefined) {
    tempDir = await mkdtemp(join(tmpdir(), 'kube-sim-'));
    kubeconfigPath = join(tempDir, 'kubeconfig');
  }

  const control = (req: IncomingMessage, res: ServerResponse, path: string, body: unknown): boolean =>
    controlEndpoint(req, res, path, body, faults, accounting, store);
  const server = createApiServer({
    store,
    registry,
    service,
    faults,
    accounting,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000,
    now: () => new Date(),
    log,
    control,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const kubeconfigYaml = await writeKubeconfig(kubeconfigPath, url);

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      await gc.idle();
      await lifecycle.idle();
      await kubelet.idle();
    }
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    gc.stop();
    lifecycle.stop();
    await kubelet.stop();
    faults.dropActiveWatches();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  };

  return { url, port, kubeconfigPath, kubeconfigYaml, faults, accounting, kubelet, store, registry, service, applyManifests, settle, stop };
}

function createFromManifest(registry: Registry, service: ResourceService, item: unknown): KubeObject {
  if (!isPlainObject(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string') {
    throw new Error('kube-sim: every manifest needs apiVersion and kind');
  }
  const [group, version] = item.apiVersion.includes('/') ? (item.apiVersion.split('/') as [string, string]) : ['', item.apiVersion];
  const info = registry.byKind(group, version, item.kind);
  if (info === undefined) throw new Error(`kube-sim: no resource serves ${item.apiVersion} ${item.kind} (is its CRD loaded first?)`);
  const meta = isPlainObject(item.metadata) ? item.metadata : {};
  const namespace = info.namespaced ? (typeof meta.namespace === 'string' ? meta.namespace : 'default') : '';
  try {
    return service.create(info, namespace, item, { manager: 'kube-sim' });
  } catch (err) {
    if (err instanceof ApiError) throw new Error(`kube-sim: cannot create ${item.kind} ${String(meta.name ?? '')}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * /_sim/ control routes for a simulator started by the CLI in another process:
 * GET /_sim/accounting, DELETE /_sim/accounting, POST /_sim/faults {errors?, latencies?, watches?},
 * DELETE /_sim/faults, POST /_sim/watches/drop {resource?}, POST /_sim/watches/silence {resource?},
 * POST /_sim/compact {keep?}.
 */
function controlEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: unknown,
  faults: Faults,
  accounting: Accounting,
  store: Store,
): boolean {
  const method = req.method ?? 'GET';
  const b = isPlainObject(body) ? body : {};
  try {
    if (path === '/_sim/accounting' && method === 'GET') {
      sendJson(res, 200, accounting.snapshot());
    } else if (path === '/_sim/accounting' && method === 'DELETE') {
      accounting.reset();
      sendJson(res, 200, { reset: true });
    } else if (path === '/_sim/faults' && method === 'POST') {
      const ids: number[] = [];
      for (const r of (b.errors as ErrorRule[] | undefined) ?? []) ids.push(faults.addError(r));
      for (const r of (b.latencies as LatencyRule[] | undefined) ?? []) ids.push(faults.addLatency(r));
      for (const r of (b.watches as WatchRule[] | undefined) ?? []) ids.push(faults.addWatchFault(r));
      sendJson(res, 200, { ids });
    } else if (path === '/_sim/faults' && method === 'GET') {
      sendJson(res, 200, faults.rules());
    } else if (path === '/_sim/faults' && method === 'DELETE') {
      faults.clear();
      sendJson(res, 200, { cleared: true });
    } else if (path === '/_sim/watches/drop' && method === 'POST') {
      sendJson(res, 200, { dropped: faults.dropActiveWatches(b as { resource?: string; namespace?: string }) });
    } else if (path === '/_sim/watches/silence' && method === 'POST') {
      sendJson(res, 200, { silenced: faults.silenceActiveWatches(b as { resource?: string; namespace?: string }) });
    } else if (path === '/_sim/compact' && method === 'POST') {
      store.compact(typeof b.keep === 'number' ? b.keep : 0);
      sendJson(res, 200, { oldestResumableResourceVersion: String(store.oldestResumableRv()) });
    } else {
      return false;
    }
  } catch (err) {
    sendJson(res, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 400, reason: 'BadRequest', message: err instanceof Error ? err.message : String(err) });
  }
  return true;
}
