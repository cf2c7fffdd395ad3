// One cluster per test run: the first caller starts it, later callers get the same instance, and
// it stops when the process exits (mocha's root hook, or the exit handler as a last resort).
import { startCluster, type LocalCluster } from './cluster.ts';

let shared: Promise<LocalCluster> | undefined;

export function sharedCluster(): Promise<LocalCluster> {
  shared ??= startCluster({ log: (line) => process.env.MCPFLEET_TEST_LOGS && console.error(`[cluster] ${line}`) }).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Stops the shared cluster if one was started. */
export async function stopSharedCluster(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current.catch(() => undefined))?.stop();
}
