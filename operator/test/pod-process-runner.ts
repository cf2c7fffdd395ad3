// A kube-sim PodRunner for image servers: every container of the pod (init containers first, in
// order, each to completion) runs as a real local process, the way a kubelet runs a pod.
// - The servers image runs `node servers/main.ts <args>` (the proxy sidecar, the bridge installer).
// - Other images run their container command, or a local stand-in command given per image
//   (e.g. server-everything from npm for "an image that speaks Streamable HTTP").
// A pod shares one loopback: each declared containerPort gets a free local port, and env values
// naming 127.0.0.1:<containerPort> (UPSTREAM_URL) or PORT follow it. Volumes (emptyDir, Secret,
// ConfigMap) become directories under a temporary root, and mount paths in commands and env are
// rewritten; ConfigMap volumes follow their ConfigMap while the pod runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PodRunner, RunningPod } from '../../hack/kube-sim/src/kubelet.ts';
import type { KubeObject } from '../../hack/kube-sim/src/types.ts';
import { freePort } from '../../hack/cluster/src/ports.ts';
import { projectConfigMaps } from '../../hack/kube-sim/src/configmap-volumes.ts';

interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  initContainers?: Container[];
  containers?: Container[];
  volumes?: { name: string; emptyDir?: unknown; secret?: { secretName: string; items?: { key: string; path: string }[] }; configMap?: { name: string; optional?: boolean } }[];
}

export interface PodProcessRunnerOptions {
  repoRoot: string;
  /** Repository of the servers image (`<repository>:<tag>`). */
  serversImage: string;
  /** Local commands standing in for third-party images that have no command in the spec. */
  images: Record<string, string[]>;
  readSecret(namespace: string, name: string, key: string): Promise<string | undefined>;
  /** A ConfigMap's data, undefined when it does not exist (for ConfigMap volumes). */
  readConfigMap?(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Extra environment for every process (e.g. STDIO_BRIDGE_BUNDLE). */
  env?: Record<string, string>;
  /** Where each container's output goes (default: discarded). */
  log?: (pod: string, container: string, line: string) => void;
}

/** What the readers need of an API: a GET that gives undefined for a missing object. */
interface ObjectGetter {
  get<T>(path: string): Promise<T | undefined>;
}

/**
 * Secret and ConfigMap readers through the API of the harness the runner is part of. The
 * harness starts after the runner is made, so it is looked up on every read.
 */
export function apiReaders(api: () => ObjectGetter | undefined): Pick<PodProcessRunnerOptions, 'readSecret' | 'readConfigMap'> {
  return {
    async readSecret(namespace, name, key) {
      const secret = await api()?.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/secrets/${name}`);
      const data = secret?.data?.[key];
      return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
    },
    async readConfigMap(namespace, name) {
      return (await api()?.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/configmaps/${name}`))?.data;
    },
  };
}

function podSpecOf(pod: KubeObject): PodSpec {
  return ((pod as { spec?: PodSpec }).spec ?? {}) as PodSpec;
}

export function podProcessRunner(opts: PodProcessRunnerOptions): PodRunner {
  const isServers = (c: Container) => c.image?.startsWith(`${opts.serversImage}:`) === true;
  const runnable = (c: Container) => isServers(c) || (c.command?.length ?? 0) > 0 || (c.image !== undefined && Object.hasOwn(opts.images, c.image));
  return {
    matches(template) {
      const spec = podSpecOf(template);
      const containers = spec.containers ?? [];
      // Image-server pods only (a proxy sidecar or a bridge installer); catalog pods have other runners.
      const imagePod = containers.some((c) => !isServers(c)) && containers.every(runnable) && (spec.initContainers ?? []).every(runnable);
      return imagePod;
    },
    async start(pod): Promise<RunningPod> {
      const spec = podSpecOf(pod);
      const namespace = pod.metadata?.namespace ?? 'default';
      const podName = pod.metadata?.name ?? 'pod';
      const root = await mkdtemp(path.join(os.tmpdir(), `mcpfleet-pod-${podName}-`));
      const volumeDirs = new Map<string, string>();
      for (const volume of spec.volumes ?? []) {
        const dir = path.join(root, 'volumes', volume.name);
        await mkdir(dir, { recursive: true });
        volumeDirs.set(volume.name, dir);
        for (const item of volume.secret?.items ?? []) {
          const value = await opts.readSecret(namespace, volume.secret!.secretName, item.key);
          if (value === undefined) throw new Error(`Secret ${volume.secret!.secretName} has no key ${item.key}`);
          await writeFile(path.join(dir, item.path), value, { mode: 0o600 });
        }
      }
      const projection = await projectConfigMaps(
        (spec.volumes ?? []).filter((v) => v.configMap).map((v) => ({ dir: volumeDirs.get(v.name)!, configMap: v.configMap!.name })),
        async (name) => opts.readConfigMap?.(namespace, name),
      );
      const portMap = new Map<number, number>();
      for (const c of [...(spec.containers ?? [])]) for (const p of c.ports ?? []) portMap.set(p.containerPort, await freePort());

      const rewriterFor = (c: Container) => {
        const mounts = (c.volumeMounts ?? []).map((m) => [m.mountPath, volumeDirs.get(m.name) ?? path.join(root, 'missing', m.name)] as const).sort((a, b) => b[0].length - a[0].length);
        return (value: string) => {
          const mount = mounts.find(([from]) => value === from || value.startsWith(`${from}/`));
          const out = mount ? mount[1] + value.slice(mount[0].length) : value;
          return out.replace(/127\.0\.0\.1:(\d+)/g, (whole, port: string) => (portMap.has(Number(port)) ? `127.0.0.1:${portMap.get(Number(port))}` : whole));
        };
      };
      const envFor = async (c: Container): Promise<Record<string, string>> => {
        const rewrite = rewriterFor(c);
        const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: root, ...opts.env };
        // The downward API fields a server's env uses, and $(VAR) of earlier entries, as the kubelet expands them.
        const fields: Record<string, string> = { 'metadata.name': podName, 'metadata.namespace': namespace };
        for (const v of c.env ?? []) {
          if (v.value !== undefined) env[v.name] = rewrite(v.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole));
          else if (v.valueFrom?.fieldRef) {
            const field = fields[v.valueFrom.fieldRef.fieldPath];
            if (field !== undefined) env[v.name] = field;
          } else if (v.valueFrom?.secretKeyRef) {
            const value = await opts.readSecret(namespace, v.valueFrom.secretKeyRef.name, v.valueFrom.secretKeyRef.key);
            if (value !== undefined) env[v.name] = value;
          }
        }
        const own = c.ports?.[0]?.containerPort;
        if (own !== undefined) env.PORT = String(portMap.get(own));
        env.HOST = '127.0.0.1';
        return env;
      };
      const argvFor = (c: Container): string[] => {
        const rewrite = rewriterFor(c);
        if (isServers(c)) return [process.execPath, path.join(opts.repoRoot, 'servers/main.ts'), ...(c.args ?? []).map(rewrite)];
        const command = c.command?.length ? c.command.map(rewrite) : opts.images[c.image!]!;
        return [...command, ...(c.args ?? []).map(rewrite)];
      };
      const launch = async (c: Container): Promise<ChildProcess> => {
        const [program, ...args] = argvFor(c);
        const child = spawn(program!, args, { cwd: opts.repoRoot, env: await envFor(c), stdio: ['ignore', 'pipe', 'pipe'] });
        for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => opts.log?.(podName, c.name, chunk.toString('utf8')));
        return child;
      };

      for (const init of spec.initContainers ?? []) {
        const child = await launch(init);
        const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
        if (code !== 0) throw new Error(`init container ${init.name} exited with ${code}`);
      }
      const children: ChildProcess[] = [];
      for (const c of spec.containers ?? []) children.push(await launch(c));
      const exits = children.map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()))));
      const front = (spec.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === 'mcp');
      if (!front) throw new Error('the pod has no port named mcp');
      return {
        address: `http://127.0.0.1:${portMap.get(front.containerPort)}`,
        // A container that exits ends the pod (the kubelet then replaces it).
        exited: Promise.race(exits),
        async stop() {
          projection.stop();
          for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const timer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 15_000);
          await Promise.all(exits);
          clearTimeout(timer);
          await rm(root, { recursive: true, force: true });
        },
      };
    },
  };
}
