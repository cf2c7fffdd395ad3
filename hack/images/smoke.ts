// Smoke checks of built images under runc: the operator answers --version, and the servers image
// serves a catalog server whose /healthz answers on loopback. Each check fails with the
// container's own output when the image is broken.
import { freePort } from '../cluster/src/ports.ts';
import type { Bundle, RunningContainer } from './runc.ts';
import { runContainer, runToCompletion } from './runc.ts';

/** The first line the operator image prints for --version (exit code 0 required). */
export async function operatorVersionOf(bundle: Bundle): Promise<string> {
  const { code, output } = await runToCompletion(bundle, { args: ['--version'] });
  if (code !== 0) throw new Error(`operator --version exited with ${code}: ${output}`);
  return output.trim();
}

export interface RunningServer {
  container: RunningContainer;
  baseUrl: string;
}

/**
 * Starts `mcpfleet-server <catalog>` from the servers image on 127.0.0.1 and resolves once
 * /healthz answers 200; rejects with the container's output when it exits or never gets healthy.
 */
export async function startCatalogServer(bundle: Bundle, catalog: string, timeoutMs = 90_000): Promise<RunningServer> {
  const port = await freePort();
  const container = await runContainer(bundle, { args: [catalog], env: { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' } });
  const baseUrl = `http://127.0.0.1:${port}`;
  let exitCode: number | undefined;
  void container.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) break;
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { container, baseUrl };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await container.stop();
  throw new Error(`servers image: ${catalog} ${exitCode === undefined ? `not healthy within ${timeoutMs} ms` : `exited with ${exitCode}`}: ${container.output()}`);
}
