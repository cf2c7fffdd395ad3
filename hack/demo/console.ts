// The web console for `npm run demo`: runs in the demo's process against its kube-sim with the
// kubeconfig identity, and reaches the catalog servers where kube-sim's pod runner started them.
import path from 'node:path';
import type { McpServer } from '../../operator/src/api/mcpserver.ts';
import { parseConsoleConfig } from '../../operator/src/console/config.ts';
import { startConsole, type RunningConsole } from '../../operator/src/console/console.ts';
import { ensureFrontend, frontendPaths } from '../console/frontend-build.ts';
import type { EndpointResolver } from '../../operator/src/mcpserver/verifier.ts';
import { createLogger } from '../../operator/src/observability/logger.ts';
import type { KubeSim } from '../kube-sim/src/api.ts';

export interface DemoConsoleOptions {
  repoRoot: string;
  sim: KubeSim;
  /** Extra console flags (tests add --user-header to act as other viewers). */
  args?: string[];
  log?: (line: string) => void;
}

/** Local processes instead of Service DNS: kube-sim knows where each replica listens. */
export function kubeletResolver(sim: KubeSim): EndpointResolver {
  return {
    endpoints: (server: McpServer) => sim.kubelet.endpointsFor(server.metadata.namespace!, server.metadata.name!).map((address) => `${address}${server.spec.transport.path}`),
  };
}

export async function startDemoConsole(opts: DemoConsoleOptions): Promise<RunningConsole> {
  const staticDir = await ensureFrontend(frontendPaths(opts.repoRoot), path.join(opts.repoRoot, 'operator/src/console/api-types.ts'), opts.log ?? (() => undefined));
  const config = parseConsoleConfig(['--kubeconfig', opts.sim.kubeconfigPath, '--port', '0', '--metrics-interval', '2s', '--static-dir', staticDir, ...(opts.args ?? [])], {});
  return startConsole(config, { logger: createLogger({ level: 'warn' }), resolver: kubeletResolver(opts.sim) });
}
