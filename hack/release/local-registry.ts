// A real OCI distribution registry on loopback for tests and local installs: Debian's
// docker-registry (the CNCF distribution server) on 127.0.0.1 with a free port, storage in a
// temporary directory, deletes enabled; stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/src/ports.ts';
import { superviseChild } from './supervised-child.ts';

export interface LocalRegistry {
  /** 127.0.0.1:<port> */
  host: string;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** Default: a free port. */
  port?: number;
  timeoutMs?: number;
}

export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = await mkdtemp(join(tmpdir(), 'mcpfleet-registry-'));
  const port = options.port ?? (await freePort());
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    ['version: 0.1', 'log:', '  level: error', 'storage:', '  delete:', '    enabled: true', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: 127.0.0.1:${port}`, ''].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const supervised = superviseChild(child);
  const stop = async () => {
    await supervised.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !supervised.exited()) {
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { host, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`docker-registry did not answer on ${host}: ${supervised.stderr()}`);
}
