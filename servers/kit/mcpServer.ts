// Builds SDK McpServer instances from a CatalogServer and recycles them across stateless HTTP
// requests. The SDK's HTTP entry wants an instance per exchange (it refuses one that is still
// connected), but an instance whose exchange has closed can be connected again. Reusing idle
// instances keeps tool registrations and the lazily converted JSON Schemas of every tool warm,
// instead of rebuilding them for each request (see hack/bench/servers.ts for the measured gain).
// Instances never serve two exchanges at once, and the two protocol eras keep separate pools
// because an instance remembers the era it last negotiated.
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import type { McpRequestContext } from '@modelcontextprotocol/server';
import { McpServer, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { CatalogServer } from './tool.ts';
import type { Enforcement } from './toolPinning.ts';
import { isApproved, policeToolList, withheldToolMessage } from './toolPinning.ts';
import type { ToolPolicy } from './toolPolicy.ts';
import { exposedName, resolveToolCall } from './toolPolicy.ts';
import type { DescribedTool } from './toolSurface.ts';
import { toolDigest, withSurfaceMeta } from './toolSurface.ts';
import type { ToolCallResult } from './toolRunner.ts';

export type ToolCallback = (args: Record<string, unknown>, context?: unknown) => Promise<ToolCallResult>;

/** What the kit's tools/list and tools/call answers are policed by, when the policy rewrites tools or pinning is enforced. */
export interface KitToolSurface {
  policy: ToolPolicy;
  /** The catalog's tools as the server declares them, before the policy (listDeclaredTools). */
  declared: readonly DescribedTool[];
  enforcement: Enforcement;
}

function registerTools(server: McpServer, catalog: CatalogServer, runnerFor: (name: string) => ToolCallback): void {
  for (const tool of catalog.tools) {
    const runner = runnerFor(tool.name);
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
}

function newServer(catalog: CatalogServer, supportedProtocolVersions?: string[]): McpServer {
  return new McpServer(
    { name: catalog.name, version: catalog.version },
    {
      capabilities: { tools: { listChanged: false } },
      ...(catalog.instructions !== undefined && { instructions: catalog.instructions }),
      ...(supportedProtocolVersions !== undefined && { supportedProtocolVersions }),
    },
  );
}

/**
 * A fresh, fully registered McpServer (also used as-is for stdio connections).
 * `supportedProtocolVersions` is for the fast path's instance, which must list the modern
 * revision itself (the SDK entry adds it to its per-request instances when serving one).
 */
export function buildMcpServer(catalog: CatalogServer, runners: ReadonlyMap<string, ToolCallback>, options: { supportedProtocolVersions?: string[]; surface?: KitToolSurface } = {}): McpServer {
  const server = newServer(catalog, options.supportedProtocolVersions);
  registerTools(server, catalog, (name) => {
    const runner = runners.get(name);
    if (runner === undefined) throw new Error(`no runner for tool ${name}`);
    return runner;
  });
  if (options.surface) policeTools(server, options.surface);
  return server;
}

/**
 * The catalog's tools exactly as a client would list them from the kit with no tool policy: the
 * SDK's own tools/list answer (JSON Schemas as the SDK renders them), over an in-memory session.
 * This is what the kit digests for pinning, the same function the verifier applies to a listing.
 */
export async function listDeclaredTools(catalog: CatalogServer): Promise<DescribedTool[]> {
  const server = newServer(catalog);
  registerTools(server, catalog, () => () => Promise.reject(new Error('a listing-only server runs no tools')));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'mcpfleet-kit', version: '0.1.0' });
  try {
    await server.connect(serverSide);
    await client.connect(clientSide);
    return (await client.listTools()).tools;
  } finally {
    await client.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
}

type Handler = (request: { params?: { name?: unknown } }, extra: unknown) => Promise<{ tools?: { name: string }[]; _meta?: Record<string, unknown> }>;

/**
 * Wraps the registered tools/list and tools/call handlers in place (the SDK has no hook for a
 * result's _meta or for refusing a registered tool; the fast path reads the same map, so both
 * paths answer alike). tools/list drops withheld tools and reports the surface; tools/call
 * refuses a withheld tool. Without the map (another SDK build) the kit refuses to start with
 * enforcement rather than serve unapproved tools.
 */
function policeTools(server: McpServer, surface: KitToolSurface): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  const list = handlers?.get('tools/list');
  const call = handlers?.get('tools/call');
  if (!handlers || !list || !call) {
    if (surface.enforcement) throw new Error('this SDK build cannot be policed for pinning enforcement');
    return;
  }
  const digests = new Map(surface.declared.map((tool) => [tool.name, toolDigest(tool)]));
  handlers.set('tools/list', async (request, extra) => {
    const policed = policeToolList(surface.policy, surface.declared, surface.enforcement);
    const withheld = new Set(policed.surface.withheld?.map((name) => exposedName(surface.policy, name)));
    const result = await list(request, extra);
    const tools = (result.tools ?? []).filter((tool) => !withheld.has(tool.name));
    return withSurfaceMeta({ ...result, tools }, { ...policed.surface, exposed: tools.length });
  });
  if (!surface.enforcement) return;
  const enforcement = surface.enforcement;
  handlers.set('tools/call', async (request, extra) => {
    const requested = typeof request.params?.name === 'string' ? request.params.name : '';
    const upstream = resolveToolCall(surface.policy, requested);
    if (upstream !== undefined && !isApproved(enforcement.approved(), upstream, digests.get(upstream))) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, withheldToolMessage(requested));
    }
    return call(request, extra);
  });
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
