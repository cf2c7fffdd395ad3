// moto in server mode on loopback (`python3 -m moto.server`), the AWS emulator the ECR calls are
// tested against: a free port, polled until it answers, stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { freeLoopbackPort } from '../images/smoke.ts';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startMoto(timeoutMs = 60_000): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', (error) => (stderr += error.message));
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (!exited) child.kill('SIGKILL');
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      return { endpoint, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`moto server did not start on ${endpoint} (python3 -m pip install 'moto[server]'): ${stderr}`);
}
