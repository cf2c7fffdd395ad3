// `mcpfleet-server install-stdio-bridge <dir>`: the init container of a stdio image server.
// Copies this image's node binary and the bridge bundle into the shared emptyDir, so the image's
// own container can run `<dir>/node <dir>/stdio-bridge.mjs` around its stdio command. Files are
// written under a temporary name and renamed, so a half-copied binary never runs.
import { chmod, copyFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BRIDGE_NODE = 'node';
export const BRIDGE_BUNDLE = 'stdio-bridge.mjs';

/** Where the build puts the bundle next to the compiled entry (dist/servers/stdio-bridge.mjs). */
function defaultBundle(): string {
  return fileURLToPath(new URL(`../${BRIDGE_BUNDLE}`, import.meta.url));
}

async function place(from: string, dir: string, name: string, mode: number): Promise<void> {
  const target = path.join(dir, name);
  const temporary = `${target}.partial-${process.pid}`;
  await copyFile(from, temporary);
  // Readable and runnable by the image's user, whoever that is; nobody but the owner may change it.
  await chmod(temporary, mode);
  await rename(temporary, target);
}

export async function installStdioBridge(dir: string, bundle = process.env.STDIO_BRIDGE_BUNDLE ?? defaultBundle()): Promise<{ node: string; bundle: string }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`${dir} is not a directory (mount the shared emptyDir there)`);
  const bundleInfo = await stat(bundle).catch(() => undefined);
  if (!bundleInfo?.isFile()) throw new Error(`the stdio bridge bundle ${bundle} is missing (build it with npm run build)`);
  await place(process.execPath, dir, BRIDGE_NODE, 0o755);
  await place(bundle, dir, BRIDGE_BUNDLE, 0o644);
  return { node: path.join(dir, BRIDGE_NODE), bundle: path.join(dir, BRIDGE_BUNDLE) };
}

export async function runInstall(args: string[]): Promise<void> {
  const dir = args[0];
  if (dir === undefined || !path.isAbsolute(dir)) {
    process.stderr.write('usage: mcpfleet-server install-stdio-bridge <absolute directory>\n');
    process.exit(2);
  }
  try {
    const placed = await installStdioBridge(dir);
    process.stdout.write(`installed ${placed.node} and ${placed.bundle}\n`);
  } catch (error) {
    process.stderr.write(`install-stdio-bridge: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
