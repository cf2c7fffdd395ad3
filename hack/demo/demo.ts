// The local demo as a library: kube-sim + the CRD + the operator + catalog servers as real local
// processes, with the examples that need no cloud applied. main.ts drives it from the terminal;
// the demo test drives it too.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CATALOG, isCatalogName } from '../../operator/src/api/catalog.ts';
import { parseConfig } from '../../operator/src/config/config.ts';
import { Operator } from '../../operator/src/operator.ts';
import type { EndpointResolver } from '../../operator/src/mcpserver/verifier.ts';
import { createLogger } from '../../operator/src/observability/logger.ts';
import { startKubeSim, type KubeSim } from '../kube-sim/src/api.ts';
import { catalogProcessRunner } from './process-runner.ts';

export interface DemoOptions {
  repoRoot: string;
  /** Where the kubeconfig and the server logs go. */
  workDir: string;
  /** Operator log level (warn keeps the terminal readable). */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  log?: (line: string) => void;
}

export interface DemoServer {
  namespace: string;
  name: string;
  catalog: string;
  /** Local MCP URLs of the running replicas. */
  urls: string[];
  apiKey?: string;
}

export interface Demo {
  sim: KubeSim;
  operator: Operator;
  serversBuilt: boolean;
  applied: { namespace: string; name: string; catalog: string; apiKey?: string }[];
  waitUntilReady(timeoutMs: number): Promise<{ ready: boolean; notReady: string[] }>;
  servers(): DemoServer[];
  stop(): Promise<void>;
}

const SERVERS_IMAGE_REPOSITORY = 'ghcr.io/mcpfleet/servers';

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { catalog?: string; identity?: { aws?: unknown; azure?: unknown }; auth?: { apiKeySecretRef?: { name: string; key: string } } };
}

/** Examples whose every McpServer runs an offline catalog server with no cloud identity. */
export function offlineExamples(repoRoot: string): { file: string; objects: Manifest[] }[] {
  const dir = path.join(repoRoot, 'examples');
  const out: { file: string; objects: Manifest[] }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const objects = parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJS() as Manifest).filter((o) => o?.kind);
    const servers = objects.filter((o) => o.kind === 'McpServer');
    const offline = servers.length > 0 && servers.every((s) => s.spec?.catalog !== undefined && isCatalogName(s.spec.catalog) && CATALOG[s.spec.catalog].offline && !s.spec.identity?.aws && !s.spec.identity?.azure);
    if (offline) out.push({ file, objects });
  }
  return out;
}

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const serversBuilt = existsSync(path.join(opts.repoRoot, 'servers/main.ts')) && existsSync(path.join(opts.repoRoot, 'servers/catalog.ts'));
  let simUrl = '';
  const readSecret = async (namespace: string, name: string, key: string) => {
    const response = await fetch(`${simUrl}/api/v1/namespaces/${namespace}/secrets/${name}`);
    if (!response.ok) return undefined;
    const secret = (await response.json()) as { data?: Record<string, string>; stringData?: Record<string, string> };
    const data = secret.data?.[key];
    return data !== undefined ? Buffer.from(data, 'base64').toString('utf8') : secret.stringData?.[key];
  };
  const readConfigMap = async (namespace: string, name: string) => {
    const response = await fetch(`${simUrl}/api/v1/namespaces/${namespace}/configmaps/${name}`);
    return response.ok ? ((await response.json()) as { data?: Record<string, string> }).data : undefined;
  };
  const sim = await startKubeSim({
    kubeletDelayMs: 200,
    kubeconfigPath: path.join(opts.workDir, 'kubeconfig'),
    runners: serversBuilt ? [catalogProcessRunner({ repoRoot: opts.repoRoot, imageRepository: SERVERS_IMAGE_REPOSITORY, readSecret, readConfigMap, logDir: path.join(opts.workDir, 'logs') })] : [],
    log: () => undefined,
  });
  simUrl = sim.url;
  sim.applyManifests(readFileSync(path.join(opts.repoRoot, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));

  const applied: Demo['applied'] = [];
  for (const example of offlineExamples(opts.repoRoot)) {
    for (const object of example.objects) {
      const ref = object.spec?.auth?.apiKeySecretRef;
      let apiKey: string | undefined;
      if (ref) {
        apiKey = randomBytes(16).toString('hex');
        sim.applyManifests(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: ref.name, namespace: object.metadata?.namespace ?? 'default' }, data: { [ref.key]: Buffer.from(apiKey).toString('base64') } }));
      }
      sim.applyManifests(JSON.stringify(object));
      if (object.kind === 'McpServer') applied.push({ namespace: object.metadata?.namespace ?? 'default', name: object.metadata!.name!, catalog: object.spec!.catalog!, ...(apiKey ? { apiKey } : {}) });
    }
    log(`applied examples/${example.file}`);
  }

  const resolver: EndpointResolver = {
    endpoints: (server) => sim.kubelet.endpointsFor(server.metadata.namespace!, server.metadata.name!).map((address) => `${address}${server.spec.transport.path}`),
  };
  const config = parseConfig(['--kubeconfig', sim.kubeconfigPath, '--leader-elect=false', '--health-probe-bind-address', '127.0.0.1:0', '--metrics-bind-address', '127.0.0.1:0', '--metrics-secure=false', '--verify-interval', '30s', '--servers-image-repository', SERVERS_IMAGE_REPOSITORY], {});
  const operator = new Operator({ config, endpointResolver: resolver, logger: createLogger({ level: opts.logLevel ?? 'warn' }) });
  await operator.start();

  const readyState = async (ns: string, name: string): Promise<string | undefined> => {
    const response = await fetch(`${sim.url}/apis/mcpfleet.dev/v1alpha1/namespaces/${ns}/mcpservers/${name}`);
    if (!response.ok) return undefined;
    const object = (await response.json()) as { status?: { conditions?: { type: string; status: string }[] } };
    return object.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  };

  return {
    sim,
    operator,
    serversBuilt,
    applied,
    async waitUntilReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let notReady = applied.map((a) => `${a.namespace}/${a.name}`);
      while (Date.now() < deadline) {
        const states = await Promise.all(applied.map(async (a) => [`${a.namespace}/${a.name}`, await readyState(a.namespace, a.name)] as const));
        notReady = states.filter(([, s]) => s !== 'True').map(([k]) => k);
        if (notReady.length === 0) return { ready: true, notReady };
        await new Promise((r) => setTimeout(r, 250));
      }
      return { ready: false, notReady };
    },
    servers() {
      return applied.map((a) => ({ ...a, urls: sim.kubelet.endpointsFor(a.namespace, a.name).map((u) => `${u}/mcp`) }));
    },
    async stop() {
      await operator.stop();
      await sim.stop();
    },
  };
}
