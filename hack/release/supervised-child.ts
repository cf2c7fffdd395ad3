// A test-side service process (docker-registry, moto): the tail of its stderr for error messages,
// whether it has exited, and a stop that sends SIGTERM, then SIGKILL after 10 s.
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface SupervisedChild {
  stderr(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

export function superviseChild(child: ChildProcessByStdio<null, null, Readable>): SupervisedChild {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', (error) => (stderr += error.message));
  return {
    stderr: () => stderr,
    exited: () => exited,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}
