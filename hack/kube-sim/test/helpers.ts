// Shared test helpers: a raw JSON client for the simulator, kubectl invocation, polling.
import { execFile } from 'node:child_process';
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

/** Reads a watch stream until `until` says stop; returns the events seen. */
export async function readWatch(
  url: string,
  until: (events: any[]) => boolean, // eslint-disable-line @typescript-eslint/no-explicit-any
  timeoutMs = 10000,
  headers: Record<string, string> = {},
): Promise<any[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    const res = await fetch(url, { signal: controller.signal, headers: { accept: 'application/json', ...headers } });
    if (res.body === null) return events;
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() !== '') events.push(JSON.parse(line));
      }
      if (until(events)) break;
    }
  } catch (err) {
    if (!(err instanceof Error && err.name === 'AbortError')) throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
