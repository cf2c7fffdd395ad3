// A kube-sim PodRunner that runs catalog-server pods as real local processes
// (`node servers/main.ts <catalog>`), the way a kubelet would run the servers image: env from the
// pod template (Secret references resolved through the API), ConfigMap volumes kept in step with
// their ConfigMaps (the pinned tool baseline), Secret volumes materialised in a
// temporary directory, a free loopback port, SIGTERM on stop.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PodRunner, RunningPod } from '../kube-sim/src/kubelet.ts';
import type { KubeObject } from '../kube-sim/src/types.ts';
import { freePort } from '../cluster/src/ports.ts';
import { projectConfigMaps, type ConfigMapVolume } from '../kube-sim/src/configmap-volumes.ts';

interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers?: Container[];
  volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] }; configMap?: { name: string } }[];
}

export interface ProcessRunnerOptions {
  /** Root of the repository (where servers/main.ts lives). */
  repoRoot: string;
  /** Image repository of the catalog servers: only these pods run as processes. */
  imageRepository: string;
  /** Reads a Secret's value through the API server. */
  readSecret(namespace: string, name: string, key: string): Promise<string | undefined>;
  /** Reads a ConfigMap's data through the API server (ConfigMap volumes, e.g. the pinned tool baseline). */
  readConfigMap?(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Directory for the processes' logs. */
  logDir: string;
}


function serverContainer(spec: PodSpec | undefined, repository: string): Container | undefined {
  return spec?.containers?.find((c) => c.image?.startsWith(`${repository}:`) && (c.args?.length ?? 0) > 0);
}

export function catalogProcessRunner(opts: ProcessRunnerOptions): PodRunner {
  const entry = path.join(opts.repoRoot, 'servers/main.ts');
  return {
    matches(podTemplate: KubeObject) {
      return existsSync(entry) && serverContainer((podTemplate as { spec?: PodSpec }).spec, opts.imageRepository) !== undefined;
    },
    async start(pod: KubeObject): Promise<RunningPod> {
      const spec = (pod as { spec?: PodSpec }).spec;
      const container = serverContainer(spec, opts.imageRepository);
      if (!container) throw new Error('no catalog server container in the pod');
      const namespace = pod.metadata?.namespace ?? 'default';
      const podName = pod.metadata?.name ?? 'pod';
      const env: Record<string, string> = {};
      // Secret volumes: write their items where the container expects them, under a temp root.
      const root = await mkdtemp(path.join(os.tmpdir(), `mcpfleet-${podName}-`));
      const rewrites: [string, string][] = [];
      const configMaps: ConfigMapVolume[] = [];
      for (const mount of container.volumeMounts ?? []) {
        const volume = spec?.volumes?.find((v) => v.name === mount.name);
        if (volume?.configMap) {
          const dir = path.join(root, mount.mountPath);
          await mkdir(dir, { recursive: true });
          configMaps.push({ dir, configMap: volume.configMap.name });
          rewrites.push([mount.mountPath, dir]);
        }
        if (!volume?.secret) continue;
        const dir = path.join(root, mount.mountPath);
        await mkdir(dir, { recursive: true });
        for (const item of volume.secret.items ?? []) {
          const value = await opts.readSecret(namespace, volume.secret.secretName, item.key);
          if (value === undefined) throw new Error(`Secret ${volume.secret.secretName} has no key ${item.key}`);
          await writeFile(path.join(dir, item.path), value, { mode: 0o600 });
        }
        rewrites.push([mount.mountPath, dir]);
      }
      for (const variable of container.env ?? []) {
        if (variable.value !== undefined) {
          const rewrite = rewrites.find(([from]) => variable.value!.startsWith(`${from}/`));
          env[variable.name] = rewrite ? rewrite[1] + variable.value.slice(rewrite[0].length) : variable.value;
        } else if (variable.valueFrom?.secretKeyRef) {
          const ref = variable.valueFrom.secretKeyRef;
          const value = await opts.readSecret(namespace, ref.name, ref.key);
          if (value === undefined && !ref.optional) throw new Error(`Secret ${ref.name} has no key ${ref.key}`);
          if (value !== undefined) env[variable.name] = value;
        }
      }
      const projection = await projectConfigMaps(configMaps, async (name) => opts.readConfigMap?.(namespace, name));
      const port = await freePort();
      const catalog = container.args![0]!;
      await mkdir(opts.logDir, { recursive: true });
      const log = createWriteStream(path.join(opts.logDir, `${namespace}-${podName}.log`), { flags: 'a' });
      const child = spawn(process.execPath, [entry, catalog], {
        cwd: opts.repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, ...env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      return {
        address: `http://127.0.0.1:${port}`,
        exited,
        async stop() {
          projection.stop();
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(timer);
          }
          log.end();
        },
      };
    },
  };
}
