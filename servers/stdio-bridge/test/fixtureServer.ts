// Test-only stdio MCP server (run as a child process by the bridge tests): reports its pid,
// writes to stderr (also floods it without a newline), can crash on request, can be slow, and sends a sampling request to its client
// without checking the client's capabilities, like a careless third-party server would.
import { McpServer } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const server = new McpServer({ name: 'bridge-fixture', version: '9.9.9' }, { capabilities: { tools: {} }, instructions: 'Fixture for the stdio bridge tests.' });

server.registerTool('whoami', { description: 'Returns the process id.', inputSchema: z.object({}) }, async () => ({ content: [{ type: 'text', text: String(process.pid) }] }));

server.registerTool('slow', { description: 'Waits, then returns the pid.', inputSchema: z.object({ ms: z.number().int().min(0).max(60_000) }) }, async ({ ms }) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { content: [{ type: 'text', text: String(process.pid) }] };
});

server.registerTool('crash', { description: 'Exits the process at once.', inputSchema: z.object({}) }, async () => {
  process.stderr.write(`fixture ${process.pid} crashing on request\n`);
  process.exit(3);
});

server.registerTool('noise', { description: 'Writes a line that is not JSON-RPC to stdout, then answers.', inputSchema: z.object({}) }, async () => {
  process.stdout.write('this is not json-rpc\n');
  return { content: [{ type: 'text', text: 'noisy' }] };
});

server.registerTool('stderr_flood', { description: 'Writes this many bytes to stderr without a newline, then answers.', inputSchema: z.object({ bytes: z.number().int().min(1).max(64 * 1024 * 1024) }) }, async ({ bytes }) => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let left = bytes; left > 0; left -= chunk.length) {
    if (!process.stderr.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((resolve) => process.stderr.once('drain', resolve));
  }
  return { content: [{ type: 'text', text: `wrote ${bytes}` }] };
});

server.registerTool('stderr_line', { description: 'Writes one line to stderr.', inputSchema: z.object({ text: z.string().max(200) }) }, async ({ text }) => {
  process.stderr.write(`${text}\n`);
  return { content: [{ type: 'text', text: 'written' }] };
});

server.registerTool('ask_sampling', { description: 'Asks the client to sample an LLM.', inputSchema: z.object({}) }, async (_args, ctx) => {
  try {
    const answer = await ctx.mcpReq.send(
      { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10 } },
      { timeout: 60_000 },
    );
    return { content: [{ type: 'text', text: `unexpected answer ${JSON.stringify(answer)}` }] };
  } catch (error) {
    return { content: [{ type: 'text', text: `sampling refused: ${(error as Error).message}` }], isError: true };
  }
});

process.stderr.write(`fixture ${process.pid} ready\n`);
await server.connect(new StdioServerTransport());
