// Test helper: a catalog server as a real process (`node servers/main.ts <name>`) on a free
// loopback port, for probes that must survive the server misbehaving (a blocked event loop cannot
// block the test) and for signals (SIGTERM under load).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pollUntil } from './httpHelpers.ts';

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));
const LISTENING = /"address":"[^"]*:(\d+)"/;

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  url: string;
  /** Everything the process logged so far (JSON lines on stdout, plus stderr). */
  output(): string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
  /** SIGKILL unless it already ended (for afterEach). */
  kill(): void;
}

export async function startServerProcess(catalog: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, catalog], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await pollUntil(() => LISTENING.test(output) || child.exitCode !== null, `the ${catalog} server to listen`, 30_000);
  } catch (error) {
    kill();
    throw new Error(`${(error as Error).message}; output so far:\n${output}`, { cause: error });
  }
  const port = LISTENING.exec(output)?.[1];
  if (port === undefined) throw new Error(`the ${catalog} server exited before listening:\n${output}`);
  const baseUrl = `http://127.0.0.1:${port}`;
  return { child, baseUrl, url: `${baseUrl}/mcp`, output: () => output, exited, kill };
}
