// Runs the real helm (v4) and kubectl (v1.33) binaries for the chart tests: found on PATH or in
// .cache/tools/bin (hack/tools.sh extracts both there), each with a private helm home so a test
// never reads or writes the user's helm configuration, repositories or cache.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'charts', 'mcpfleet');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The path of a tool binary, or a clear error saying how to get it. */
export function toolPath(name: 'helm' | 'kubectl'): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  const cached = join(REPO_ROOT, '.cache', 'tools', 'bin', name);
  if (existsSync(cached)) return cached;
  throw new Error(`${name} not found on PATH nor in .cache/tools/bin (run: export PATH="$(bash hack/tools.sh):$PATH")`);
}

function run(bin: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(bin, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolvePromise({ code, stdout, stderr: stderr || (error !== null && typeof error.code !== 'number' ? error.message : '') });
    });
  });
}

/** A helm runner with its own HELM_* homes under `home` (and, when given, a kubeconfig). */
export function helmRunner(home: string, kubeconfig?: string) {
  const env: Record<string, string> = {
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    ...(kubeconfig !== undefined ? { KUBECONFIG: kubeconfig } : {}),
  };
  const bin = toolPath('helm');
  return (args: string[], timeoutMs = 150_000): Promise<RunResult> => run(bin, args, env, timeoutMs);
}

/** A kubectl runner against one kubeconfig, with its own discovery cache. */
export function kubectlRunner(kubeconfig: string, cacheDir: string) {
  const bin = toolPath('kubectl');
  return (args: string[], timeoutMs = 60_000): Promise<RunResult> => run(bin, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {}, timeoutMs);
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** Every non-empty document of a multi-document YAML stream (helm template output). */
export function parseManifests(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message ?? ''}`);
    const value = doc.toJS() as K8sObject | null;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}
