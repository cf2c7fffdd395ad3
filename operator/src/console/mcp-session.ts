// The console's MCP client: one short session per request (list tools with their schemas, or
// call one tool), with the real SDK client and a hard timeout on every step.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallResponse, ToolView } from './api-types.ts';

export interface SessionOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Most tools/list pages read (bounds a misbehaving server). */
const MAX_PAGES = 20;

async function withClient<T>(opts: SessionOptions, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: 'mcpfleet-console', version: '0.1.0' }, { versionNegotiation: { mode: 'auto' } });
  const transport = new StreamableHTTPClientTransport(new URL(opts.url), { requestInit: { headers: opts.headers, signal: AbortSignal.timeout(opts.timeoutMs) } });
  try {
    await client.connect(transport, { timeout: opts.timeoutMs });
    return await use(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}

export function listToolsWithSchemas(opts: SessionOptions): Promise<ToolView[]> {
  return withClient(opts, async (client) => {
    const tools: ToolView[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.listTools(cursor ? { cursor } : {}, { timeout: opts.timeoutMs });
      for (const tool of result.tools) {
        const view: ToolView = { name: tool.name, inputSchema: tool.inputSchema as Record<string, unknown> };
        if (tool.title) view.title = tool.title;
        if (tool.description) view.description = tool.description;
        if (tool.outputSchema) view.outputSchema = tool.outputSchema as Record<string, unknown>;
        if (tool.annotations) view.annotations = tool.annotations as Record<string, unknown>;
        tools.push(view);
      }
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return tools;
  });
}

/** Calls one tool; a tool error is a result (isError), a protocol or transport failure is `error`. */
export async function callTool(opts: SessionOptions, tool: string, args: Record<string, unknown>, now: () => number = performance.now.bind(performance)): Promise<CallResponse> {
  const started = now();
  try {
    const result = await withClient(opts, (client) => client.callTool({ name: tool, arguments: args }, { timeout: opts.timeoutMs }));
    const response: CallResponse = { ok: true, durationMs: Math.round(now() - started), isError: result.isError === true, content: (result.content as unknown[]) ?? [] };
    if (result.structuredContent !== undefined) response.structuredContent = result.structuredContent;
    return response;
  } catch (error) {
    return { ok: false, durationMs: Math.round(now() - started), error: error instanceof Error ? error.message : String(error) };
  }
}
