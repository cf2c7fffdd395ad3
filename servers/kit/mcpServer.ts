// Builds SDK McpServer instances from a CatalogServer and recycles them across stateless HTTP
// requests. The SDK's HTTP entry wants an instance per exchange (it refuses one that is still
// connected), but an instance whose exchange has closed can be connected again. Reusing idle
// instances keeps tool registrations and the lazily converted JSON Schemas of every tool warm,
// instead of rebuilding them for each request (see hack/bench/servers.ts for the measured gain).
// Instances never serve two exchanges at once, and the two protocol eras keep separate pools
// because an instance remembers the era it last negotiated.
import type { McpRequestContext } from '@modelcontextprotocol/server';
import { McpServer } from '@modelcontextprotocol/server';
import type { CatalogServer } from './tool.ts';
import type { ToolSurfaceCounts } from './toolPolicy.ts';
import { withSurfaceMeta } from './toolPolicy.ts';
import type { ToolCallResult } from './toolRunner.ts';

export type ToolCallback = (args: Record<string, unknown>, context?: unknown) => Promise<ToolCallResult>;

/**
 * A fresh, fully registered McpServer (also used as-is for stdio connections).
 * `supportedProtocolVersions` is for the fast path's instance, which must list the modern
 * revision itself (the SDK entry adds it to its per-request instances when serving one).
 */
export function buildMcpServer(catalog: CatalogServer, runners: ReadonlyMap<string, ToolCallback>, options: { supportedProtocolVersions?: string[]; surface?: ToolSurfaceCounts } = {}): McpServer {
  const server = new McpServer(
    { name: catalog.name, version: catalog.version },
    {
      capabilities: { tools: { listChanged: false } },
      ...(catalog.instructions !== undefined && { instructions: catalog.instructions }),
      ...(options.supportedProtocolVersions !== undefined && { supportedProtocolVersions: options.supportedProtocolVersions }),
    },
  );
  for (const tool of catalog.tools) {
    const runner = runners.get(tool.name);
    if (runner === undefined) throw new Error(`no runner for tool ${tool.name}`);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      // The SDK validates arguments against inputSchema before calling this.
      (args: Record<string, unknown>, context: unknown) => runner(args, context as never),
    );
  }
  if (options.surface) annotateToolList(server, options.surface);
  return server;
}

type ListHandler = (request: unknown, extra: unknown) => Promise<{ _meta?: Record<string, unknown> }>;

/**
 * Adds the tool-surface counts to tools/list answers. The SDK has no hook for a result's _meta,
 * so the registered handler is wrapped in place (the fast path reads the same map, so both
 * paths answer alike); without the map (another SDK build) the counts are simply not reported.
 */
function annotateToolList(server: McpServer, surface: ToolSurfaceCounts): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, ListHandler> })._requestHandlers;
  const original = handlers?.get('tools/list');
  if (!handlers || !original) return;
  handlers.set('tools/list', async (request, extra) => withSurfaceMeta(await original(request, extra), surface));
}

export class McpServerPool {
  private readonly build: () => McpServer;
  private readonly idle: Record<McpRequestContext['era'], McpServer[]> = { legacy: [], modern: [] };
  private readonly busy = new WeakSet<McpServer>();
  private readonly maxIdle: number;
  /** Instances built so far (for the benchmark and tests). */
  created = 0;

  constructor(build: () => McpServer, options: { maxIdle?: number } = {}) {
    this.build = build;
    this.maxIdle = options.maxIdle ?? 256;
  }

  /** The SDK factory: an idle instance of the requested era, or a new one. */
  readonly factory = (context: McpRequestContext): McpServer => {
    const era = context.era;
    const pooled = this.idle[era].pop();
    const server = pooled ?? this.fresh(era);
    this.busy.add(server);
    return server;
  };

  private fresh(era: McpRequestContext['era']): McpServer {
    const server = this.build();
    this.created += 1;
    // Protocol calls onclose once the exchange's transport has closed and the instance is
    // detached from it; that is the moment it can serve another exchange.
    server.server.onclose = () => this.release(server, era);
    return server;
  }

  private release(server: McpServer, era: McpRequestContext['era']): void {
    if (!this.busy.has(server)) return;
    this.busy.delete(server);
    if (this.idle[era].length < this.maxIdle) this.idle[era].push(server);
  }

  get idleCount(): number {
    return this.idle.legacy.length + this.idle.modern.length;
  }
}
