// moto in server mode on loopback (`python3 -m moto.server`), the AWS emulator the ECR calls are
// tested against: a free port, polled until it answers, stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { freePort } from '../cluster/src/ports.ts';
import { superviseChild } from './supervised-child.ts';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startMoto(timeoutMs = 60_000): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const supervised = superviseChild(child);
  const stop = () => supervised.stop();
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !supervised.exited()) {
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      return { endpoint, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`moto server did not start on ${endpoint} (python3 -m pip install 'moto[server]'): ${supervised.stderr()}`);
}
