import assert from 'node:assert/strict';
import { claudeDesktopConfig, formatClientConfigs, inspectorCommand, vscodeConfig } from './client-config.ts';

const utility = { name: 'utility', url: 'http://127.0.0.1:41000/mcp' };
const database = { name: 'database', url: 'http://127.0.0.1:41001/mcp', apiKey: 'k1' };

describe('demo client configurations', () => {
  it('Claude Desktop: mcp-remote with the URL, and the API key as a header when one is needed', () => {
    assert.deepEqual(claudeDesktopConfig([utility, database]), {
      mcpServers: {
        utility: { command: 'npx', args: ['-y', 'mcp-remote', 'http://127.0.0.1:41000/mcp'] },
        database: { command: 'npx', args: ['-y', 'mcp-remote', 'http://127.0.0.1:41001/mcp', '--header', 'x-api-key:k1'] },
      },
    });
  });

  it('VS Code: Streamable HTTP servers with headers', () => {
    assert.deepEqual(vscodeConfig([utility, database]), {
      servers: { utility: { type: 'http', url: 'http://127.0.0.1:41000/mcp' }, database: { type: 'http', url: 'http://127.0.0.1:41001/mcp', headers: { 'x-api-key': 'k1' } } },
    });
  });

  it('MCP Inspector CLI: one line per server; the printed block is valid JSON where it says JSON', () => {
    assert.equal(inspectorCommand(database), "npx @modelcontextprotocol/inspector --cli http://127.0.0.1:41001/mcp --transport http --header 'x-api-key: k1' --method tools/list");
    const text = formatClientConfigs([utility, database]);
    const claude = text.slice(text.indexOf('{'), text.indexOf('\n}\n') + 2);
    assert.deepEqual(JSON.parse(claude), claudeDesktopConfig([utility, database]));
    assert.match(text, /\.vscode\/mcp\.json/);
    assert.match(formatClientConfigs([]), /no MCP server is running yet/);
  });
});
