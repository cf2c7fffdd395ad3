// Where the collector binary is: hack/otelcol/build.sh builds it once per module version into the
// user's cache directory and prints its path.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BUILD_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../build.sh');

/** The collector binary, built first when it is not cached (about two minutes on 2 cores). */
export async function collectorBinary(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [BUILD_SCRIPT], { maxBuffer: 1024 * 1024, timeout: 30 * 60_000 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`hack/otelcol/build.sh failed (the collector is built from Go modules; Go 1.26 is needed): ${error.stderr?.trim() || error.message}`);
  });
  return stdout.trim();
}
