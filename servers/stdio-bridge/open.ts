// Opens the stdio bridge from the environment for the catalog registry: starts the pool of stdio
// server processes (their stderr goes to the kit's log) and mirrors what the first one declared.
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { openEnforcement } from '../kit/runtime.ts';
import { listAllTools, UpstreamSurface, type ForwardingGuard } from '../kit/toolPinning.ts';
import { parseToolPolicy } from '../kit/toolPolicy.ts';
import { parseStdioBridgeConfig } from './config.ts';
import { identityOf } from './lib/forwarding.ts';
import { StdioBridgePool } from './lib/pool.ts';
import { createServer } from './server.ts';

export async function openStdioBridgeServer(env: Record<string, string | undefined>, context: { logger: Logger }): Promise<CatalogServer> {
  const config = parseStdioBridgeConfig(env);
  // The bridge builds its own MCP server, so it applies TOOL_POLICY itself (kit tools get it from the kit).
  const toolPolicy = parseToolPolicy(env.TOOL_POLICY);
  const logger = context.logger.child({ component: 'stdio-bridge' });
  const pool = new StdioBridgePool({
    command: config.command,
    size: config.poolSize,
    maxInFlightPerProcess: config.maxInFlightPerProcess,
    maxQueued: config.maxQueued,
    requestTimeoutMs: config.requestTimeoutMs,
    startTimeoutMs: config.startTimeoutMs,
    restartBaseMs: 500,
    restartMaxMs: 30_000,
    logger: { info: (message, meta) => logger.info(message, meta), warn: (message, meta) => logger.warn(message, meta), error: (message, meta) => logger.error(message, meta) },
  });
  await pool.start();
  const primary = pool.primary;
  if (primary === undefined) {
    await pool.close();
    throw new Error('the stdio server exited right after starting; see its stderr above');
  }
  const identity = identityOf(primary);
  logger.info('stdio bridge ready', { command: config.command.command, processes: pool.liveCount, server: `${identity.name} ${identity.version}`, capabilities: Object.keys(identity.capabilities) });
  // Pinning enforcement (TOOL_BASELINE_FILE): calls are checked against what the stdio server lists now.
  const baseline = await openEnforcement(env.TOOL_BASELINE_FILE || undefined, logger);
  const guard: ForwardingGuard | undefined = baseline && {
    enforcement: baseline,
    surface: new UpstreamSurface(() => listAllTools((cursor) => pool.run((client, options) => client.listTools(cursor ? { cursor } : {}, options), undefined))),
  };
  return createServer({ pool, identity, toolPolicy, guard, close: () => baseline?.close() });
}
