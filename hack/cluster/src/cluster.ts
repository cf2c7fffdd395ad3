// The local control plane: etcd, kube-apiserver (RBAC, Pod Security admission, service-account
// signing keys, static-token identities), kube-controller-manager, kube-scheduler and kwok (fake
// Nodes; scheduled Pods go Running/Ready) on 127.0.0.1, with a kubeconfig for the admin.
// stop() — and a signal, or the launcher dying — leaves no process behind.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { controlPlaneBinDir } from './binaries.ts';
import { AUDIT_POLICY, KWOK_NODE_ANNOTATION, apiserverArgs, controllerManagerArgs, etcdArgs, file, kwokArgs, schedulerArgs, type Layout } from './components.ts';
import { randomToken, serviceAccountKeyPair, tokenAuthFile } from './credentials.ts';
import { apiRequest, pollUntil, type ApiTarget } from './http.ts';
import { clusterKubeconfig } from './kubeconfig.ts';
import { freePort } from './ports.ts';
import { startProcess, type ManagedProcess } from './process.ts';
import { startReaper } from './reaper.ts';

export interface ClusterOptions {
  /** Directory of the binaries (default: build or find them with hack/cluster/build.sh). */
  binDir?: string;
  /** Number of kwok Nodes (default 1). */
  nodes?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Client QPS of the controllers and the scheduler (default: theirs); see ControlPlaneTuning. */
  controlPlaneClientQps?: number;
  /** How long each component may take to become ready (default 180 s: a busy 2-core machine). */
  readyTimeoutMs?: number;
}

export interface LocalCluster extends ApiTarget {
  dir: string;
  kubeconfigPath: string;
  auditLogPath: string;
  /** A kubeconfig (YAML) for another identity on this cluster. */
  kubeconfigFor(token: string, user: string, namespace?: string): string;
  /** Admin request: status and parsed body. */
  request<T = Record<string, unknown>>(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<{ status: number; body: T }>;
  /** Stops and starts kube-apiserver (same port, same etcd) and waits until it is ready again. */
  restartApiServer(): Promise<void>;
  /** Stops and starts etcd (same data) and waits until the API server reads from it again. */
  restartEtcd(): Promise<void>;
  /** Whether a restart of kube-apiserver or etcd was under way (stopped, not yet ready again) at this time (ms). */
  restartingAt(atMs: number): boolean;
  logs(): Record<string, string>;
  stop(): Promise<void>;
}

function probeHttp(url: string, insecure = false): Promise<boolean> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    // Health probes of components whose serving certs are generated in memory at start; loopback only.
    const req = get(url, { timeout: 3_000, ...(insecure ? { rejectUnauthorized: false } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function startCluster(opts: ClusterOptions = {}): Promise<LocalCluster> {
  const log = opts.log ?? (() => undefined);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
  const binDir = opts.binDir ?? (await controlPlaneBinDir(true));
  const dir = await mkdtemp(path.join(tmpdir(), 'mcpfleet-cluster-'));
  const layout: Layout = {
    dir,
    etcdClientPort: await freePort(),
    etcdPeerPort: await freePort(),
    apiserverPort: await freePort(),
    controllerManagerPort: await freePort(),
    schedulerPort: await freePort(),
    kwokPort: await freePort(),
  };
  const server = `https://127.0.0.1:${layout.apiserverPort}`;
  const keys = serviceAccountKeyPair();
  const tokens = { admin: randomToken(), controllerManager: randomToken(), scheduler: randomToken(), kwok: randomToken() };
  await mkdir(file(layout, 'apiserver-certs'));
  await writeFile(file(layout, 'sa.key'), keys.privateKeyPem, { mode: 0o600 });
  await writeFile(file(layout, 'sa.pub'), keys.publicKeyPem);
  await writeFile(file(layout, 'audit-policy.yaml'), AUDIT_POLICY);
  await writeFile(
    file(layout, 'tokens.csv'),
    tokenAuthFile([
      { token: tokens.admin, user: 'admin', uid: 'admin', groups: ['system:masters'] },
      // The controller manager runs every controller under one identity, so it needs system:masters.
      { token: tokens.controllerManager, user: 'system:kube-controller-manager', uid: 'kcm', groups: ['system:masters'] },
      { token: tokens.scheduler, user: 'system:kube-scheduler', uid: 'scheduler', groups: [] },
      { token: tokens.kwok, user: 'system:kwok', uid: 'kwok', groups: ['system:masters'] },
    ]),
    { mode: 0o600 },
  );

  const processes = new Map<string, ManagedProcess>();
  const pidFile = file(layout, 'pids');
  const writePids = () => writeFileSync(pidFile, [...processes.values()].map((p) => p.pid()).filter((p) => p !== undefined).join(' '));
  const reaper = startReaper(pidFile);
  const start = (name: string, args: string[]) => {
    const p = startProcess(name, path.join(binDir, name), args, file(layout, `${name}.log`), writePids);
    processes.set(name, p);
    writePids();
    return p;
  };
  const waitReady = async (p: ManagedProcess, probe: () => Promise<boolean>) => {
    await pollUntil(`${p.name} ready`, async () => {
      if (!p.running()) throw new Error(`${p.name} exited:\n${p.logTail()}`);
      return probe();
    }, readyTimeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\n--- ${p.logPath} ---\n${p.logTail()}`);
    });
  };

  let caPem = '';
  const target = (): ApiTarget => ({ server, caPem, token: tokens.admin });
  const adminTarget: ApiTarget = { server, get caPem() { return caPem; }, token: tokens.admin };
  // Like client-go, honour 429 + Retry-After (kube-apiserver answers it while a new CRD's storage
  // or the watch cache initialises, and under priority-and-fairness pressure), for up to a minute.
  const request = async <T>(method: string, urlPath: string, body?: unknown, contentType?: string) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await apiRequest(adminTarget, method, urlPath, text, contentType);
      const parsed = (r.text ? JSON.parse(r.text) : undefined) as T;
      if (r.status !== 429 || Date.now() > deadline) return { status: r.status, body: parsed };
      const retryAfter = (parsed as { details?: { retryAfterSeconds?: number } } | undefined)?.details?.retryAfterSeconds ?? 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(retryAfter, 0.2), 5) * 1000));
    }
  };
  const kubeconfigFor = (token: string, user: string, namespace?: string) => clusterKubeconfig({ server, caPem, token, user, ...(namespace ? { namespace } : {}) });

  const startEtcd = async () => {
    const etcd = start('etcd', etcdArgs(layout));
    await waitReady(etcd, () => probeHttp(`http://127.0.0.1:${layout.etcdClientPort}/health`));
  };
  const apiserverReady = async () => {
    const r = await apiRequest(target(), 'GET', '/readyz', undefined, undefined, 5_000).catch(() => undefined);
    return r?.status === 200;
  };
  const startApiServer = async () => {
    const apiserver = start('kube-apiserver', apiserverArgs(layout));
    await waitReady(apiserver, async () => {
      if (!caPem) caPem = await readFile(file(layout, 'apiserver-certs/apiserver.crt'), 'utf8').catch(() => '');
      return caPem !== '' && (await apiserverReady());
    });
  };

  // From the stop of a component to the API server's readyz passing again, per restart.
  const restarts: { from: number; to: number }[] = [];
  const restarting = async (restart: () => Promise<void>) => {
    const period = { from: Date.now(), to: Number.POSITIVE_INFINITY };
    restarts.push(period);
    try {
      await restart();
    } finally {
      period.to = Date.now();
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    for (const name of ['kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd']) await processes.get(name)?.stop();
    reaper.stop();
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  // Synchronous last resort when the test runner exits without calling stop().
  const onExit = () => {
    for (const p of processes.values()) {
      const pid = p.pid();
      if (pid !== undefined) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  };
  process.on('exit', onExit);

  try {
    log(`starting etcd on 127.0.0.1:${layout.etcdClientPort}`);
    await startEtcd();
    log(`starting kube-apiserver on ${server}`);
    await startApiServer();
    const writeKubeconfig = (name: string, token: string, user: string) => writeFile(file(layout, name), clusterKubeconfig({ server, caPem, token, user }), { mode: 0o600 });
    await writeKubeconfig('admin.kubeconfig', tokens.admin, 'admin');
    await writeKubeconfig('controller-manager.kubeconfig', tokens.controllerManager, 'system:kube-controller-manager');
    await writeKubeconfig('scheduler.kubeconfig', tokens.scheduler, 'system:kube-scheduler');
    await writeKubeconfig('kwok.kubeconfig', tokens.kwok, 'system:kwok');

    log('starting kube-controller-manager, kube-scheduler and kwok');
    const kcm = start('kube-controller-manager', controllerManagerArgs(layout, { clientQps: opts.controlPlaneClientQps }));
    const scheduler = start('kube-scheduler', schedulerArgs(layout, { clientQps: opts.controlPlaneClientQps }));
    const kwok = start('kwok', kwokArgs(layout, path.join(binDir, 'kwok-stages.yaml')));
    await waitReady(kcm, () => probeHttp(`https://127.0.0.1:${layout.controllerManagerPort}/healthz`, true));
    await waitReady(scheduler, () => probeHttp(`https://127.0.0.1:${layout.schedulerPort}/healthz`, true));
    // The service-account controller works once the default namespace has its "default" ServiceAccount.
    await waitReady(kcm, async () => (await request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
    const nodes = opts.nodes ?? 1;
    for (let i = 0; i < nodes; i++) {
      const created = await request('POST', '/api/v1/nodes', kwokNode(`kwok-node-${i}`));
      if (created.status !== 201) throw new Error(`creating kwok node: ${created.status} ${JSON.stringify(created.body)}`);
    }
    await waitReady(kwok, async () => {
      const list = await request<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>('GET', `/api/v1/nodes`);
      return list.body.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === nodes;
    });
    log(`cluster ready; kubeconfig ${file(layout, 'admin.kubeconfig')}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    server,
    get caPem() { return caPem; },
    token: tokens.admin,
    dir,
    kubeconfigPath: file(layout, 'admin.kubeconfig'),
    auditLogPath: file(layout, 'audit.log'),
    kubeconfigFor,
    request,
    restartApiServer: () =>
      restarting(async () => {
        await processes.get('kube-apiserver')?.stop();
        await startApiServer();
      }),
    restartEtcd: () =>
      restarting(async () => {
        await processes.get('etcd')?.stop();
        await startEtcd();
        await pollUntil('kube-apiserver reads from etcd again', apiserverReady, readyTimeoutMs);
      }),
    restartingAt: (atMs) => restarts.some((r) => atMs >= r.from && atMs <= r.to),
    logs: () => Object.fromEntries([...processes.values()].map((p) => [p.name, p.logPath])),
    stop,
  };
}

/** A Node that kwok manages: it keeps it Ready and runs the Pods scheduled to it (fakes them). */
export function kwokNode(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' }, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' } },
    spec: {},
    status: { allocatable: { cpu: '64', memory: '256Gi', pods: '1000' }, capacity: { cpu: '64', memory: '256Gi', pods: '1000' } },
  };
}
