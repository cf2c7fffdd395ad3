// Where the control-plane binaries are: hack/cluster/build.sh builds them once per version into
// the user's cache directory and prints that directory.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BUILD_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../build.sh');
export const CONTROL_PLANE_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
export type ControlPlaneBinary = (typeof CONTROL_PLANE_BINARIES)[number];

/** Why the real control plane cannot be used here, or undefined when Go is available to build it. */
export function goMissingReason(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/go/bin', '/usr/lib/go/bin'];
  return dirs.some((d) => d && existsSync(path.join(d, 'go'))) ? undefined : 'Go is not installed (needed once to build kube-apiserver, etcd and kwok from their modules)';
}

/**
 * The bin directory, building it first when `build` is true (minutes, once per version) or
 * failing when it is not built yet.
 */
export async function controlPlaneBinDir(build = true): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [BUILD_SCRIPT, ...(build ? [] : ['--where'])], { maxBuffer: 16 * 1024 * 1024, timeout: 90 * 60_000 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`hack/cluster/build.sh failed: ${error.stderr?.trim() || error.message}`);
  });
  return stdout.trim();
}
