// Test helper: a throwaway redis-server (Debian package) on a free loopback port, without
// persistence. Fails loudly, never skips, when redis-server is not installed.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createClient } from 'redis';
import { freePort } from '../../hack/cluster/src/ports.ts';

export interface TestRedis {
  /** redis://[:password@]127.0.0.1:<port> */
  url: string;
  port: number;
  close(): Promise<void>;
}

function redisServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error('redis-server is not installed; install it with `apt-get install -y redis-server` (these tests need a real Redis)');
  }
  return path;
}

async function waitForPing(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = createClient({ url, socket: { connectTimeout: 500, reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return;
    } catch (error) {
      lastError = error;
      client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`redis-server did not answer PING within ${deadlineMs}ms: ${String(lastError)}`);
}

/** A loopback port nothing listens on right now (for a Redis that is started later, or never). */
export const freeLoopbackPort = freePort;

export async function startTestRedis(options: { password?: string; port?: number } = {}): Promise<TestRedis> {
  const binary = redisServerBinary();
  let lastError: unknown;
  // A port found free can be taken before redis binds it; retry with a new one.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = options.port ?? (await freePort());
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
    if (options.password) args.push('--requirepass', options.password);
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const url = options.password ? `redis://:${options.password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`;
    try {
      await waitForPing(url, child, 10_000);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      continue;
    }
    return {
      url,
      port,
      close: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    };
  }
  throw new Error(`could not start redis-server: ${String(lastError)}`);
}
