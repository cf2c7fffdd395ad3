// One control-plane process: spawned with its output in a log file, stopped with SIGTERM and,
// when it does not exit in time, SIGKILL. A pid file lets the reaper (reaper.ts) kill whatever is
// still running if the Node process that started it dies without cleaning up.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

export interface ManagedProcess {
  readonly name: string;
  readonly logPath: string;
  pid(): number | undefined;
  running(): boolean;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(name: string, command: string, args: string[], logPath: string, onPids: () => void): ManagedProcess {
  const fd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', fd, fd], detached: false });
  } finally {
    closeSync(fd);
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      onPids();
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  onPids();
  return {
    name,
    logPath,
    pid: () => (exited ? undefined : child.pid),
    running: () => !exited,
    logTail(lines = 30) {
      try {
        return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop(graceMs = 10_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
