// Starts hack/bench/operator-child.ts (the real Operator in its own process) and talks to it over
// IPC: snapshots of its metrics and memory, and a graceful stop.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

export interface OperatorSnapshot {
  metrics: { name: string; values: MetricValue[] }[];
  heapUsed: number;
  rss: number;
  /** The process's peak RSS so far, bytes. */
  maxRss: number;
}

export interface OperatorProcess {
  /** With gc, after a full garbage collection (heapUsed is then what the operator holds). */
  snapshot(opts?: { gc?: boolean }): Promise<OperatorSnapshot>;
  stop(): Promise<void>;
}

export interface OperatorProcessOptions {
  root: string;
  kubeconfig: string;
  /** The MCP endpoint every McpServer is verified against. */
  mcpEndpoint: string;
  workers: number;
}

export async function startOperatorProcess(opts: OperatorProcessOptions): Promise<OperatorProcess> {
  const args = ['--kubeconfig', opts.kubeconfig, '--leader-elect=false', '--health-probe-bind-address', '127.0.0.1:0', '--metrics-bind-address', '127.0.0.1:0', '--metrics-secure=false'];
  // Verification once per generation and no periodic resync: the run measures getting to Ready.
  args.push('--workers', String(opts.workers), '--verify-interval', '10m', '--resync-period', '0');
  const child: ChildProcess = fork(path.join(opts.root, 'hack/bench/operator-child.ts'), args, {
    env: { ...process.env, BENCH_MCP_ENDPOINT: opts.mcpEndpoint },
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    void exited.then(() => reject(new Error('the operator process exited before it started')));
  });
  let nextId = 0;
  return {
    snapshot: ({ gc = false } = {}) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        const onMessage = (m: unknown) => {
          if ((m as { snapshot?: number }).snapshot !== id) return;
          child.off('message', onMessage);
          resolve(m as OperatorSnapshot);
        };
        child.on('message', onMessage);
        void exited.then(() => reject(new Error('the operator process exited')));
        child.send({ snapshot: id, gc });
      }),
    stop: async () => {
      if (child.exitCode === null) child.send('stop');
      await exited;
    },
  };
}
