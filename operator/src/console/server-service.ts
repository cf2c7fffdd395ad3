// Everything about one McpServer the console shows or does: its page (conditions, events,
// children, verified info, live tool list) and a playground call. Reads go through the console's
// own client; the API key is read here and sent only to the server.
import type { KubeClient } from '../kube/client.ts';
import { errorMessage, KubeApiError } from '../kube/errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { KIND, LABELS } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';
import { validateMcpServer } from '../api/validation.ts';
import { OWNED_KINDS } from '../mcpserver/children.ts';
import type { EndpointResolver } from '../mcpserver/verifier.ts';
import type { CallResponse, ChildView, ServerDetail, ToolView } from './api-types.ts';
import { playgroundAccess, type AccessReviewer } from './access.ts';
import { apiKeyHeaders } from '../mcpserver/api-key.ts';
import { childView } from './children-view.ts';
import { eventsFor } from './events-view.ts';
import { fleetRow } from './fleet-row.ts';
import { callTool, listToolsWithSchemas } from './mcp-session.ts';
import type { Viewer } from './viewer.ts';
import { toolSurfaceView } from './tool-surface-view.ts';

export interface ServerServiceOptions {
  client: KubeClient;
  reviewer: AccessReviewer;
  resolver: EndpointResolver;
  /** Timeout of one MCP request (list or call). */
  mcpTimeoutMs: number;
}

/** A server the page cannot talk to: the reason, in words. */
export class Unreachable extends Error {}

/** Kinds whose informer the operator does not always run are listed only when the cluster serves them. */
function isNotServed(error: unknown): boolean {
  return error instanceof KubeApiError && (error.statusCode === 404 || error.statusCode === 403);
}

export class ServerService {
  private readonly opts: ServerServiceOptions;

  constructor(opts: ServerServiceOptions) {
    this.opts = opts;
  }

  /** The typed server (defaults applied) or why it cannot be used. */
  private typed(raw: McpServer): McpServer {
    const parsed = validateMcpServer(raw);
    if (!parsed.ok) throw new Unreachable(`the McpServer spec is invalid: ${parsed.problems.join('; ')}`);
    return parsed.value;
  }

  async endpoint(raw: McpServer): Promise<string> {
    const server = this.typed(raw);
    const endpoints = await this.opts.resolver.endpoints(server, server.status?.url ?? '');
    const first = endpoints.find((e) => e !== '');
    if (!first) throw new Unreachable('the server has no running replica to reach yet');
    return first;
  }

  /** The /metrics URL of every replica (the kit serves it beside the MCP path). */
  async metricsTargets(raw: McpServer): Promise<string[]> {
    const server = this.typed(raw);
    const endpoints = await this.opts.resolver.endpoints(server, server.status?.url ?? '');
    return endpoints.filter((e) => e !== '').map((e) => new URL('/metrics', e).toString());
  }

  async detail(viewer: Viewer, raw: McpServer): Promise<ServerDetail> {
    const [events, children, tools, playground] = await Promise.all([
      this.events(raw).catch(() => []),
      this.children(raw),
      this.tools(raw).then(
        (list) => ({ list }),
        (error: unknown) => ({ list: [] as ToolView[], error: errorMessage(error) }),
      ),
      this.access(viewer, raw),
    ]);
    const status = raw.status;
    const detail: ServerDetail = {
      row: fleetRow(raw),
      conditions: (status?.conditions ?? []).map((c) => ({ ...c })),
      events,
      children,
      tools: tools.list,
      playground,
    };
    if ('error' in tools && tools.error) detail.toolsError = tools.error;
    const surface = toolSurfaceView(this.typed(raw));
    if (surface) detail.toolSurface = surface;
    if (status?.server) detail.verified = { ...status.server, ...(status.lastVerifiedTime ? { lastVerifiedTime: status.lastVerifiedTime } : {}) };
    return detail;
  }

  access(viewer: Viewer, raw: McpServer) {
    try {
      return playgroundAccess(this.opts.reviewer, viewer, this.typed(raw));
    } catch (error) {
      return Promise.resolve({ allowed: false, reason: `Refused: ${errorMessage(error)}.` });
    }
  }

  async call(viewer: Viewer, raw: McpServer, tool: string, args: Record<string, unknown>): Promise<{ refused: string } | CallResponse> {
    const access = await this.access(viewer, raw);
    if (!access.allowed) return { refused: access.reason };
    const server = this.typed(raw);
    let url: string;
    let headers: Record<string, string>;
    try {
      url = await this.endpoint(raw);
      headers = await apiKeyHeaders(this.opts.client, server);
    } catch (error) {
      return { ok: false, durationMs: 0, error: errorMessage(error) };
    }
    return callTool({ url, headers, timeoutMs: this.opts.mcpTimeoutMs }, tool, args);
  }

  private async tools(raw: McpServer): Promise<ToolView[]> {
    const server = this.typed(raw);
    if (server.spec.auth?.oauth) throw new Unreachable('the server is protected by OAuth; the console holds no token to list its tools');
    const url = await this.endpoint(raw);
    const headers = await apiKeyHeaders(this.opts.client, server);
    return listToolsWithSchemas({ url, headers, timeoutMs: this.opts.mcpTimeoutMs });
  }

  private async events(raw: McpServer) {
    const namespace = raw.metadata.namespace ?? 'default';
    const list = await this.opts.client.list<KubeObject>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, { limit: 500 });
    return eventsFor(list.items, { kind: KIND, name: raw.metadata.name ?? '', ...(raw.metadata.uid ? { uid: raw.metadata.uid } : {}) });
  }

  private async children(raw: McpServer): Promise<ChildView[]> {
    const namespace = raw.metadata.namespace ?? 'default';
    const uid = raw.metadata.uid;
    const perKind = await Promise.all(
      OWNED_KINDS.map(async (kind) => {
        const path = kind.path.replace(/^(\/apis?\/(?:[^/]+\/)?[^/]+)\//, `$1/namespaces/${encodeURIComponent(namespace)}/`);
        try {
          const list = await this.opts.client.list<KubeObject>(path, { labelSelector: `${LABELS.instance}=${raw.metadata.name ?? ''}` });
          return list.items
            .filter((child) => !uid || (child.metadata?.ownerReferences ?? []).some((ref) => ref.uid === uid))
            .map((child) => childView({ ...child, kind: kind.kind }));
        } catch (error) {
          if (isNotServed(error)) return [];
          return [{ kind: kind.kind, name: '', state: `could not list: ${errorMessage(error)}`, healthy: false }];
        }
      }),
    );
    return perKind.flat();
  }
}
