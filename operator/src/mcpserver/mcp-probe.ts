// One MCP verification of one endpoint: connect with the real MCP client (2026-07-28 with the
// SDK's fallback to the 2025 initialize handshake), read the server's identity and its tools,
// disconnect. OAuth-protected servers cannot be called without a token: for them the probe
// checks that the RFC 9728 protected-resource metadata is served instead.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { TOOL_SURFACE_META_KEY, toolDigest, type ToolSurfaceMeta } from '../../../servers/kit/toolSurface.ts';
import type { VerifiedServer, VerifiedTool } from './verification.ts';

export interface ProbeOptions {
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Most tools/list pages to read (bounds a misbehaving server). */
  maxPages?: number;
}

export interface ProbeResult {
  server: VerifiedServer;
  tools: VerifiedTool[];
  toolCount: number;
  /** Tools the server behind the kit offers, when the kit's tool policy hides some (counts it reports). */
  toolsOffered?: number;
  /** The digests the kit reported (server names, before spec.tools overrides), withheld tools included. */
  surface?: Record<string, string>;
  /** Tools the kit withholds under pinning enforcement (server names). */
  withheld?: string[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The kit's tools/list _meta (servers/kit/toolSurface.ts), checked field by field: it crossed the network. */
function surfaceOnPage(meta: Record<string, unknown> | undefined): ToolSurfaceMeta | undefined {
  const surface = meta?.[TOOL_SURFACE_META_KEY] as Partial<Record<keyof ToolSurfaceMeta, unknown>> | undefined;
  if (typeof surface?.offered !== 'number' || !Number.isInteger(surface.offered) || surface.offered < 0) return undefined;
  const digests = surface.digests !== null && typeof surface.digests === 'object' && !Array.isArray(surface.digests)
    ? Object.fromEntries(Object.entries(surface.digests as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string' && DIGEST.test(e[1])))
    : undefined;
  const withheld = Array.isArray(surface.withheld) ? surface.withheld.filter((n): n is string => typeof n === 'string' && digests !== undefined && Object.hasOwn(digests, n)) : undefined;
  return { offered: surface.offered, exposed: typeof surface.exposed === 'number' ? surface.exposed : 0, ...(digests && { digests }), ...(withheld && { withheld }) };
}

export async function probeMcpEndpoint(url: string, opts: ProbeOptions): Promise<ProbeResult> {
  const client = new Client({ name: 'mcpfleet-operator', version: '0.1.0' }, { versionNegotiation: { mode: 'auto' } });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: opts.headers ?? {}, signal: AbortSignal.timeout(opts.timeoutMs) },
  });
  try {
    await client.connect(transport, { timeout: opts.timeoutMs });
    const implementation = client.getServerVersion();
    const tools: VerifiedTool[] = [];
    let offered: number | undefined;
    let surface: Record<string, string> | undefined;
    const withheld: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < (opts.maxPages ?? 10); page++) {
      const result = await client.listTools(cursor ? { cursor } : {}, { timeout: opts.timeoutMs });
      for (const tool of result.tools) tools.push({ name: tool.name, ...(tool.title ? { title: tool.title } : {}), digest: toolDigest(tool) });
      const reported = surfaceOnPage(result._meta);
      if (reported !== undefined) offered = (offered ?? 0) + reported.offered;
      if (reported?.digests) surface = { ...surface, ...reported.digests };
      withheld.push(...(reported?.withheld ?? []));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return {
      server: {
        name: implementation?.name ?? 'unknown',
        version: implementation?.version ?? 'unknown',
        protocolVersion: client.getNegotiatedProtocolVersion() ?? 'unknown',
      },
      tools,
      toolCount: tools.length,
      ...(offered !== undefined && { toolsOffered: offered }),
      ...(surface && { surface }),
      ...(withheld.length > 0 && { withheld: [...new Set(withheld)].sort() }),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** For OAuth-protected servers: the endpoint publishes its protected-resource metadata. */
export async function probeProtectedResource(url: string, timeoutMs: number): Promise<{ resource: string }> {
  const metadataUrl = new URL('/.well-known/oauth-protected-resource', url);
  const response = await fetch(metadataUrl, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${metadataUrl.pathname} answered HTTP ${response.status}`);
  const body = (await response.json()) as { resource?: unknown };
  if (typeof body.resource !== 'string') throw new Error(`${metadataUrl.pathname} has no resource field`);
  return { resource: body.resource };
}
