// One MCP verification of one endpoint: connect with the real MCP client (2026-07-28 with the
// SDK's fallback to the 2025 initialize handshake), read the server's identity and its tools,
// disconnect. OAuth-protected servers cannot be called without a token: for them the probe
// checks that the RFC 9728 protected-resource metadata is served instead.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toolDigest } from './tool-surface.ts';
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
}

/** The kit's tools/list _meta (servers/kit/toolPolicy.ts): counts before and after spec.tools. */
const TOOL_SURFACE_META_KEY = 'mcpfleet.dev/toolSurface';

function offeredOnPage(meta: Record<string, unknown> | undefined): number | undefined {
  const surface = meta?.[TOOL_SURFACE_META_KEY] as { offered?: unknown } | undefined;
  return typeof surface?.offered === 'number' && Number.isInteger(surface.offered) && surface.offered >= 0 ? surface.offered : undefined;
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
    let cursor: string | undefined;
    for (let page = 0; page < (opts.maxPages ?? 10); page++) {
      const result = await client.listTools(cursor ? { cursor } : {}, { timeout: opts.timeoutMs });
      for (const tool of result.tools) tools.push({ name: tool.name, ...(tool.title ? { title: tool.title } : {}), digest: toolDigest(tool) });
      const pageOffered = offeredOnPage(result._meta);
      if (pageOffered !== undefined) offered = (offered ?? 0) + pageOffered;
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
