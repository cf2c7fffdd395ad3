// Ready-to-paste client configurations for the demo's MCP servers: Claude Desktop (through the
// mcp-remote bridge, since its config file starts local commands), VS Code (.vscode/mcp.json
// speaks Streamable HTTP itself) and the MCP Inspector CLI. Pure: servers in, text out.

export interface ClientTarget {
  /** The name clients show, e.g. "utility". */
  name: string;
  /** Local MCP URL, e.g. http://127.0.0.1:41234/mcp. */
  url: string;
  apiKey?: string | undefined;
}

export function claudeDesktopConfig(targets: readonly ClientTarget[]): { mcpServers: Record<string, { command: string; args: string[] }> } {
  const mcpServers: Record<string, { command: string; args: string[] }> = {};
  for (const t of targets) mcpServers[t.name] = { command: 'npx', args: ['-y', 'mcp-remote', t.url, ...(t.apiKey ? ['--header', `x-api-key:${t.apiKey}`] : [])] };
  return { mcpServers };
}

export function vscodeConfig(targets: readonly ClientTarget[]): { servers: Record<string, { type: 'http'; url: string; headers?: Record<string, string> }> } {
  const servers: Record<string, { type: 'http'; url: string; headers?: Record<string, string> }> = {};
  for (const t of targets) servers[t.name] = { type: 'http', url: t.url, ...(t.apiKey ? { headers: { 'x-api-key': t.apiKey } } : {}) };
  return { servers };
}

/** One shell line listing a server's tools with the MCP Inspector CLI. */
export function inspectorCommand(target: ClientTarget): string {
  const header = target.apiKey ? ` --header 'x-api-key: ${target.apiKey}'` : '';
  return `npx @modelcontextprotocol/inspector --cli ${target.url} --transport http${header} --method tools/list`;
}

/** The block the demo prints once its servers are Ready. */
export function formatClientConfigs(targets: readonly ClientTarget[]): string {
  if (targets.length === 0) return 'no MCP server is running yet: nothing to connect a client to';
  return [
    'Claude Desktop (claude_desktop_config.json):',
    JSON.stringify(claudeDesktopConfig(targets), null, 2),
    '',
    'VS Code (.vscode/mcp.json):',
    JSON.stringify(vscodeConfig(targets), null, 2),
    '',
    'MCP Inspector CLI (the web UI: npx @modelcontextprotocol/inspector, transport Streamable HTTP, same URL and header):',
    ...targets.map(inspectorCommand),
  ].join('\n');
}
