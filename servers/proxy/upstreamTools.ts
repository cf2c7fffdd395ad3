// The proxy's own look at the upstream's tools (pinning enforcement): a short MCP session with the
// real client over the pod's loopback, every page of tools/list, then closed. No client
// credentials are sent: the upstream in the same pod is reached without them (the kit in front
// does the authenticating).
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { DescribedTool } from '../kit/toolSurface.ts';
import { listAllTools } from '../kit/toolPinning.ts';

export async function listUpstreamTools(upstream: URL, timeoutMs: number): Promise<DescribedTool[]> {
  const client = new Client({ name: 'mcpfleet-proxy', version: '0.1.0' }, { versionNegotiation: { mode: 'auto' } });
  const transport = new StreamableHTTPClientTransport(upstream, { requestInit: { signal: AbortSignal.timeout(timeoutMs) } });
  try {
    await client.connect(transport, { timeout: timeoutMs });
    return await listAllTools((cursor) => client.listTools(cursor ? { cursor } : {}, { timeout: timeoutMs }));
  } finally {
    await client.close().catch(() => undefined);
  }
}
