// The stdio-bridge catalog server: no tools of its own; it builds an MCP server that forwards
// to the pool of stdio processes, and is ready while at least one process is alive.
import type { CatalogServer } from '../kit/tool.ts';
import { boundedToolLabels } from '../kit/toolLabels.ts';
import type { ForwardingGuard } from '../kit/toolPinning.ts';
import type { ToolPolicy } from '../kit/toolPolicy.ts';
import type { ForwardedIdentity } from './lib/forwarding.ts';
import { buildForwardingServer } from './lib/forwarding.ts';
import type { StdioBridgePool } from './lib/pool.ts';

export function createServer(deps: { pool: StdioBridgePool; identity: ForwardedIdentity; toolPolicy: ToolPolicy; guard?: ForwardingGuard | undefined; close?: () => void }): CatalogServer {
  const toolLabel = boundedToolLabels();
  return {
    name: deps.identity.name,
    version: deps.identity.version,
    ...(deps.identity.instructions !== undefined && { instructions: deps.identity.instructions }),
    tools: [],
    mcpServer: (observe) => buildForwardingServer(deps.pool, deps.identity, (call) => observe.toolCall({ ...call, tool: toolLabel(call.tool, call.outcome) }), deps.toolPolicy, deps.guard),
    async checkReady() {
      if (deps.pool.liveCount === 0) throw new Error('no stdio server process is running');
    },
    close: async () => {
      deps.close?.();
      await deps.pool.close();
    },
  };
}
