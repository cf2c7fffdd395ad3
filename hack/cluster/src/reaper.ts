// A watchdog process that outlives a crashed (SIGKILLed) launcher: it polls the launcher's pid
// and, once that is gone, kills every pid listed in the pid file. On a clean stop the launcher
// kills the reaper itself.
import { spawn } from 'node:child_process';

const REAPER_SCRIPT = `
parent="$1"; pidfile="$2"
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
[ -f "$pidfile" ] && kill -9 $(cat "$pidfile") 2>/dev/null
exit 0`;

export function startReaper(pidFile: string): { stop(): void } {
  const reaper = spawn('bash', ['-c', REAPER_SCRIPT, 'reaper', String(process.pid), pidFile], { stdio: 'ignore', detached: true });
  reaper.unref();
  return { stop: () => void reaper.kill('SIGKILL') };
}
