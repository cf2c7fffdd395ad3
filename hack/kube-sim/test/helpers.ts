// Shared test helpers: a raw JSON client for the simulator, kubectl invocation, polling.
import { execFile } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = resolve(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
export const SHARED_CRDS = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'crds');
const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(base: string, method: string, path: string, body?: unknown, contentType = 'application/json', headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { accept: 'application/json', 'user-agent': 'kube-sim-test/1.0', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = contentType;
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Polls `check` until it returns a truthy value or the deadline passes (then throws). */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last !== undefined ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function kubectlPath(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  const cached = join(REPO_ROOT, '.cache', 'tools', 'bin', 'kubectl');
  if (existsSync(cached)) return cached;
  throw new Error('kubectl not found on PATH nor in .cache/tools/bin (run: bash hack/tools.sh)');
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(kubeconfig: string, cacheDir: string, args: string[], timeoutMs = 30000): Promise<KubectlResult> {
  return new Promise((resolvePromise) => {
    execFile(
      kubectlPath(),
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
      { timeout: timeoutMs, env: { ...process.env, HOME: cacheDir } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Reads a watch stream until `until` says stop, the server ends it, or the timeout passes; returns
 * the events seen. Uses its own connection (agent: false) so an abandoned stream never blocks
 * the connection pool of later requests.
 */
export function readWatch(
  url: string,
  until: (events: any[]) => boolean, // eslint-disable-line @typescript-eslint/no-explicit-any
  timeoutMs = 10000,
  headers: Record<string, string> = {},
): Promise<any[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const events: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolvePromise(events);
    };
    const req = httpGet(url, { agent: false, headers: { accept: 'application/json', ...headers } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim() !== '') events.push(JSON.parse(line));
        }
        if (until(events)) finish();
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(err);
      }
    });
    const timer = setTimeout(finish, timeoutMs);
  });
}
