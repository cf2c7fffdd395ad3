// The stdio-bridge catalog server: no tools of its own; it builds an MCP server that forwards
// to the pool of stdio processes, and is ready while at least one process is alive.
import type { CatalogServer } from '../kit/tool.ts';
import type { ToolPolicy } from '../kit/toolPolicy.ts';
import type { ForwardedIdentity } from './lib/forwarding.ts';
import { buildForwardingServer } from './lib/forwarding.ts';
import type { StdioBridgePool } from './lib/pool.ts';

/**
 * Tool names become metric labels only once a call to them succeeded (so the stdio server has
 * that tool) and at most this many: names a client makes up count as "_other", which keeps the
 * label set bounded whatever clients send.
 */
export const MAX_TOOL_LABELS = 200;

export function createServer(deps: { pool: StdioBridgePool; identity: ForwardedIdentity; toolPolicy: ToolPolicy }): CatalogServer {
  const labels = new Set<string>();
  const toolLabel = (tool: string, outcome: string) => {
    if (!labels.has(tool) && outcome === 'success' && labels.size < MAX_TOOL_LABELS) labels.add(tool);
    return labels.has(tool) ? tool : '_other';
  };
  return {
    name: deps.identity.name,
    version: deps.identity.version,
    ...(deps.identity.instructions !== undefined && { instructions: deps.identity.instructions }),
    tools: [],
    mcpServer: (observe) => buildForwardingServer(deps.pool, deps.identity, (call) => observe.toolCall({ ...call, tool: toolLabel(call.tool, call.outcome) }), deps.toolPolicy),
    async checkReady() {
      if (deps.pool.liveCount === 0) throw new Error('no stdio server process is running');
    },
    close: () => deps.pool.close(),
  };
}
