// A kube-sim PodRunner that runs the chart's operator pods the way a kubelet would run the
// operator image (Dockerfile.operator: `node /app/operator/src/main.js <args>`): the container's
// args and env exactly as rendered — downward-API fieldRefs (POD_NAMESPACE, POD_NAME) resolved
// from the pod — as a real `node operator/src/main.ts` process. Only what a laptop cannot
// reproduce is added: --kubeconfig (no in-cluster service account) and a loopback health
// address on a free port (later flags win over the chart's --health-probe-bind-address/--metrics-bind-address).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PodRunner, RunningPod } from '../kube-sim/src/kubelet.ts';
import type { KubeObject } from '../kube-sim/src/types.ts';
import { REPO_ROOT } from './tools.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Container {
  image?: string;
  args?: string[];
  env?: EnvVar[];
}

export interface OperatorRunnerOptions {
  /** Only pods whose image starts with `<repository>:` or `<repository>@` run as processes. */
  imageRepository: string;
  kubeconfigPath: string;
  /** Receives every output line of every operator process (for failure diagnostics). */
  onLine?: (pod: string, line: string) => void;
  /** How long a process may take to open its health server. */
  startTimeoutMs?: number;
}

function operatorContainer(podOrTemplate: KubeObject, repository: string): Container | undefined {
  const containers = ((podOrTemplate as { spec?: { containers?: Container[] } }).spec?.containers ?? []);
  return containers.find((c) => c.image?.startsWith(`${repository}:`) || c.image?.startsWith(`${repository}@`));
}

/** Resolves a downward-API fieldRef the way the kubelet does for the two fields the chart uses. */
function fieldRef(pod: KubeObject, path: string): string {
  if (path === 'metadata.name') return pod.metadata.name ?? '';
  if (path === 'metadata.namespace') return pod.metadata.namespace ?? '';
  throw new Error(`operator runner: unsupported fieldRef ${path}`);
}

export function chartOperatorRunner(opts: OperatorRunnerOptions): PodRunner & { stopAll(): Promise<void> } {
  const running = new Set<RunningPod>();
  return {
    matches: (template) => operatorContainer(template, opts.imageRepository) !== undefined,
    async start(pod): Promise<RunningPod> {
      const container = operatorContainer(pod, opts.imageRepository)!;
      const env: Record<string, string> = {};
      for (const v of container.env ?? []) {
        if (v.value !== undefined) env[v.name] = v.value;
        else if (v.valueFrom?.fieldRef) env[v.name] = fieldRef(pod, v.valueFrom.fieldRef.fieldPath);
        else throw new Error(`operator runner: env ${v.name} has a source this runner cannot resolve`);
      }
      const args = [...(container.args ?? []), `--kubeconfig=${opts.kubeconfigPath}`, '--health-probe-bind-address=127.0.0.1:0', '--metrics-bind-address=127.0.0.1:0'];
      const child = spawn(process.execPath, [join(REPO_ROOT, 'operator/src/main.ts'), ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const name = pod.metadata.name ?? '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`operator pod ${name} opened no health server within ${opts.startTimeoutMs ?? 60_000} ms`)), opts.startTimeoutMs ?? 60_000);
        for (const stream of [child.stdout, child.stderr]) {
          createInterface({ input: stream }).on('line', (line) => {
            opts.onLine?.(name, line);
            if (!line.includes('health server listening')) return;
            try {
              const entry = JSON.parse(line) as { host?: string; port?: number };
              clearTimeout(timer);
              resolve(`http://${entry.host ?? '127.0.0.1'}:${String(entry.port)}`);
            } catch {
              // not a JSON log line; keep waiting
            }
          });
        }
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`operator pod ${name} exited with code ${String(code)} before serving health`));
        });
      }).catch(async (err: unknown) => {
        child.kill('SIGKILL');
        throw err;
      });
      const handle: RunningPod = {
        address,
        exited,
        stop: async () => {
          running.delete(handle);
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(killer);
          }
        },
      };
      running.add(handle);
      return handle;
    },
    async stopAll() {
      await Promise.all([...running].map((r) => r.stop()));
    },
  };
}
