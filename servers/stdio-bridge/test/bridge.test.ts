// The stdio bridge behind the real kit, driven by the real MCP client in both protocol revisions:
// third-party stdio servers fetched from the registries (@modelcontextprotocol/server-everything
// from npm, mcp-server-time from PyPI) and a fixture server for crashes, stderr and
// server-initiated requests; several bridge instances (replicas) each with a pool of processes.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureStream, pollUntil, rawRequest } from '../../kit/test/httpHelpers.ts';
import { createLogger } from '../../kit/logger.ts';
import type { Logger } from '../../kit/logger.ts';
import { connectClient, resultText, startTestServer, TEST_PROTOCOLS, type TestServer } from '../../kit/testing.ts';
import { ConfigError } from '../../kit/env.ts';
import { childEnvironment, parseStdioBridgeConfig } from '../config.ts';
import { openStdioBridgeServer } from '../open.ts';
import { MAX_STDERR_LINE_BYTES } from '../lib/worker.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const EVERYTHING = path.join(path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist', 'index.js');
const FIXTURE = path.join(here, 'fixtureServer.ts');

interface ToolResult {
  isError?: boolean;
  content?: unknown;
}

async function bridge(command: string[], options: { logger?: Logger; env?: Record<string, string> } = {}): Promise<TestServer> {
  const logs = captureStream();
  const logger = options.logger ?? createLogger({ level: 'error', stream: logs.stream });
  const catalog = await openStdioBridgeServer({ ...process.env, BRIDGE_COMMAND: JSON.stringify(command), BRIDGE_START_TIMEOUT: '60', ...options.env }, { logger });
  return startTestServer(catalog);
}

describe('stdio bridge over MCP HTTP', function () {
  this.timeout(180_000);
  const servers: TestServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  describe('@modelcontextprotocol/server-everything (npm) at two replicas of two processes', () => {
    let replicas: TestServer[];
    before(async () => {
      replicas = await Promise.all([0, 1].map(() => bridge([process.execPath, EVERYTHING, 'stdio'], { env: { BRIDGE_POOL_SIZE: '2' } })));
      servers.push(...replicas);
    });

    for (const protocol of TEST_PROTOCOLS) {
      it(`lists and calls its tools, reads resources and prompts (${protocol})`, async () => {
        for (const replica of replicas) {
          const client = await connectClient(replica.url, { protocol });
          try {
            assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
            const { tools } = await client.listTools();
            assert.ok(tools.some((tool) => tool.name === 'echo'), tools.map((tool) => tool.name).join(','));
            const echo = (await client.callTool({ name: 'echo', arguments: { message: `hello ${protocol}` } })) as ToolResult;
            assert.ok(!echo.isError);
            assert.match(resultText(echo), new RegExp(`hello ${protocol}`));
            const sum = (await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } })) as ToolResult;
            assert.match(resultText(sum), /42/);
            const bad = (await client.callTool({ name: 'get-sum', arguments: { a: 'two' } })) as ToolResult;
            assert.equal(bad.isError, true, 'the stdio server validates arguments and its error passes through');
            const { prompts } = await client.listPrompts();
            assert.ok(prompts.length > 0);
            const { resources } = await client.listResources();
            assert.ok(resources.length > 0);
            const read = await client.readResource({ uri: resources[0]!.uri });
            assert.ok(read.contents.length > 0);
          } finally {
            await client.close();
          }
        }
      });
    }

    it('declares no sampling or elicitation, so the server hides the tools that would need them', async () => {
      const client = await connectClient(replicas[0]!.url);
      try {
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        assert.ok(names.includes('echo'));
        for (const name of ['trigger-sampling-request', 'trigger-elicitation-request']) assert.ok(!names.includes(name), `${name} is offered`);
      } finally {
        await client.close();
      }
    });
  });

  describe('mcp-server-time (PyPI)', () => {
    let server: TestServer;
    before(async () => {
      server = await bridge(['python3', '-m', 'mcp_server_time', '--local-timezone', 'UTC'], { env: { BRIDGE_POOL_SIZE: '2' } });
      servers.push(server);
    });

    for (const protocol of TEST_PROTOCOLS) {
      it(`converts time zones through the Python server (${protocol})`, async () => {
        const client = await connectClient(server.url, { protocol });
        try {
          const { tools } = await client.listTools();
          assert.deepEqual(tools.map((tool) => tool.name).sort(), ['convert_time', 'get_current_time']);
          const now = (await client.callTool({ name: 'get_current_time', arguments: { timezone: 'Europe/Paris' } })) as ToolResult;
          assert.ok(!now.isError, resultText(now));
          assert.match(resultText(now), /Europe\/Paris/);
          const converted = (await client.callTool({ name: 'convert_time', arguments: { source_timezone: 'UTC', time: '12:00', target_timezone: 'Asia/Tokyo' } })) as ToolResult;
          assert.match(resultText(converted), /21:00/);
          const bad = (await client.callTool({ name: 'get_current_time', arguments: { timezone: 'Mars/Olympus' } })) as ToolResult;
          assert.equal(bad.isError, true);
        } finally {
          await client.close();
        }
      });
    }
  });

  describe('pool behaviour (fixture server)', () => {
    let server: TestServer;
    const logs = captureStream();
    before(async () => {
      server = await bridge([process.execPath, FIXTURE], { logger: createLogger({ level: 'info', stream: logs.stream }), env: { BRIDGE_POOL_SIZE: '3', BRIDGE_MAX_IN_FLIGHT: '1', BRIDGE_MAX_QUEUED: '2' } });
      servers.push(server);
    });

    it('counts forwarded tool calls in the kit metrics, with a bounded set of tool labels', async () => {
      const client = await connectClient(server.url);
      try {
        await client.callTool({ name: 'whoami', arguments: {} });
        for (let i = 0; i < 5; i += 1) await client.callTool({ name: `made-up-${i}`, arguments: {} });
      } finally {
        await client.close();
      }
      const metrics = (await rawRequest(`${server.baseUrl}/metrics`)).body;
      assert.match(metrics, /^mcp_tool_calls_total\{tool="whoami",outcome="success"\} [1-9]/m);
      assert.doesNotMatch(metrics, /made-up-/);
      assert.match(metrics, /^mcp_tool_calls_total\{tool="_other",outcome="(error|tool_error)"\} 5$/m);
    });

    it('puts the stdio servers\' stderr in the log', async () => {
      await pollUntil(() => (logs.text().match(/fixture \d+ ready/g) ?? []).length >= 3, 'three ready lines on stderr');
      assert.match(logs.text(), /"message":"stdio server stderr"/);
    });

    it('bounds a stderr line: 10 MiB without a newline is logged truncated at the cap and the server keeps answering', async () => {
      const client = await connectClient(server.url);
      try {
        const flood = (await client.callTool({ name: 'stderr_flood', arguments: { bytes: 10 * 1024 * 1024 } })) as ToolResult;
        assert.equal(resultText(flood), 'wrote 10485760');
        // Logged as soon as the cap is reached, before any newline arrives.
        await pollUntil(() => /"truncated":true/.test(logs.text()), 'the truncated line is logged');
        const truncated = logs.text().split('\n').map((line) => (line.startsWith('{') ? (JSON.parse(line) as { line?: string; truncated?: boolean }) : {})).find((entry) => entry.truncated === true)!;
        assert.equal(truncated.line, 'x'.repeat(MAX_STDERR_LINE_BYTES));
        assert.ok(!(await client.callTool({ name: 'whoami', arguments: {} }) as ToolResult).isError);
        await Promise.all([0, 1, 2].map(() => client.callTool({ name: 'stderr_line', arguments: { text: 'after the flood' } })));
        await pollUntil(() => /"droppedBytes":\d+/.test(logs.text()) && /"line":"after the flood"/.test(logs.text()), 'the drop count and the next line are logged');
        const dropped = Number(/"droppedBytes":(\d+)/.exec(logs.text())![1]);
        // The flooded process's 'after the flood' ends that same over-long line.
        assert.equal(dropped, 10 * 1024 * 1024 - MAX_STDERR_LINE_BYTES + 'after the flood'.length);
      } finally {
        await client.close();
      }
    });

    it('spreads concurrent requests across the processes', async () => {
      const client = await connectClient(server.url);
      try {
        const results = await Promise.all([0, 1, 2].map(() => client.callTool({ name: 'slow', arguments: { ms: 400 } }) as Promise<ToolResult>));
        assert.equal(new Set(results.map((result) => resultText(result))).size, 3, 'each of the three ran on its own process');
      } finally {
        await client.close();
      }
    });

    it('bounds the queue: beyond it, calls fail at once with a clear error', async () => {
      const client = await connectClient(server.url);
      try {
        const results = await Promise.all(Array.from({ length: 8 }, () => client.callTool({ name: 'slow', arguments: { ms: 1500 } }) as Promise<ToolResult>));
        const refused = results.filter((result) => result.isError);
        assert.ok(refused.length >= 1, 'some calls were refused');
        assert.ok(refused.every((result) => /at capacity/.test(resultText(result))), refused.map((result) => resultText(result)).join('\n'));
        assert.ok(results.filter((result) => !result.isError).length >= 5, 'three running plus two queued succeeded');
      } finally {
        await client.close();
      }
    });

    it('replaces a crashed process and keeps serving', async () => {
      const client = await connectClient(server.url, { protocol: 'legacy' });
      try {
        const crashed = (await client.callTool({ name: 'crash', arguments: {} })) as ToolResult;
        assert.equal(crashed.isError, true);
        assert.match(resultText(crashed), /exited during the call|closed/i);
        await pollUntil(() => /stdio server exited; replacing it/.test(logs.text()), 'the exit is logged');
        await pollUntil(async () => (await rawRequest(`${server.baseUrl}/readyz`)).status === 200, 'ready');
        await pollUntil(() => (logs.text().match(/"message":"stdio server started"/g) ?? []).length >= 4, 'a replacement started', 60_000);
        const after = await Promise.all([0, 1, 2].map(() => client.callTool({ name: 'slow', arguments: { ms: 300 } }) as Promise<ToolResult>));
        assert.ok(after.every((result) => !result.isError));
      } finally {
        await client.close();
      }
    });

    it('refuses a request the stdio server sends to its client (sampling) at once', async () => {
      const client = await connectClient(server.url);
      try {
        const result = (await client.callTool({ name: 'ask_sampling', arguments: {} })) as ToolResult;
        assert.equal(result.isError, true);
        assert.match(resultText(result), /sampling refused: .*cannot forward server-initiated requests/);
      } finally {
        await client.close();
      }
    });
  });

  it('survives a stdio server that writes garbage to stdout', async () => {
    const server = await bridge([process.execPath, FIXTURE], { env: { BRIDGE_POOL_SIZE: '1' } });
    servers.push(server);
    const client = await connectClient(server.url);
    try {
      assert.equal(resultText((await client.callTool({ name: 'noise', arguments: {} })) as ToolResult), 'noisy');
      const after = (await client.callTool({ name: 'whoami', arguments: {} })) as ToolResult;
      assert.ok(!after.isError);
    } finally {
      await client.close();
    }
  });

  it('drains in-flight calls on shutdown and leaves no stdio process behind', async () => {
    const server = await bridge([process.execPath, FIXTURE], { env: { BRIDGE_POOL_SIZE: '2' } });
    const client = await connectClient(server.url);
    const { tools } = await client.listTools();
    assert.ok(tools.some((tool) => tool.name === 'slow'));
    const pids = await Promise.all([0, 1].map(async () => Number(resultText((await client.callTool({ name: 'whoami', arguments: {} })) as ToolResult))));
    const inFlight = Promise.all(Array.from({ length: 4 }, () => client.callTool({ name: 'slow', arguments: { ms: 800 } }) as Promise<ToolResult>));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = server.close();
    const results = await inFlight;
    await stopped;
    await client.close().catch(() => {});
    assert.ok(results.every((result) => !result.isError), 'calls in flight when SIGTERM-style shutdown began completed');
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await pollUntil(() => pids.every((pid) => !alive(pid)), 'every stdio process exited');
  });

  it('fails to open with a clear error when the command cannot start', async () => {
    await assert.rejects(bridge(['/nonexistent/mcp-server'], { env: { BRIDGE_POOL_SIZE: '1', BRIDGE_START_TIMEOUT: '20' } }), /could not be started/);
  });

  it('configuration: the command is a JSON array; the kit\'s secrets never reach the children', () => {
    assert.throws(() => parseStdioBridgeConfig({}), (error: unknown) => error instanceof ConfigError && /BRIDGE_COMMAND/.test(error.message));
    assert.throws(() => parseStdioBridgeConfig({ BRIDGE_COMMAND: 'python3 -m x' }), /JSON array of strings/);
    assert.throws(() => parseStdioBridgeConfig({ BRIDGE_COMMAND: '[]' }), /must name a program/);
    assert.throws(() => parseStdioBridgeConfig({ BRIDGE_COMMAND: '["x"]', BRIDGE_POOL_SIZE: '99' }), /BRIDGE_POOL_SIZE/);
    const config = parseStdioBridgeConfig({ BRIDGE_COMMAND: '["uvx","mcp-server-time"]', API_KEYS: 'k1', PORT: '8080', TZ: 'UTC', REDIS_URL: 'redis://x' });
    assert.deepEqual([config.command.command, ...config.command.args], ['uvx', 'mcp-server-time']);
    assert.deepEqual(childEnvironment({ API_KEYS: 'k1', PORT: '8080', TZ: 'UTC', REDIS_URL: 'redis://x', BRIDGE_COMMAND: '[]' }), { TZ: 'UTC', MCP_TRANSPORT: 'stdio' });
  });

  it("configuration: the bridge's OTEL_* settings reach the children only with BRIDGE_TRACE_CHILDREN, under their own service name", () => {
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'acme-tools', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', TZ: 'UTC' };
    assert.deepEqual(childEnvironment(otel), { TZ: 'UTC', MCP_TRANSPORT: 'stdio' });
    assert.deepEqual(childEnvironment({ ...otel, BRIDGE_TRACE_CHILDREN: 'false' }), { TZ: 'UTC', MCP_TRANSPORT: 'stdio' });
    assert.deepEqual(childEnvironment({ ...otel, BRIDGE_TRACE_CHILDREN: 'true' }), { ...otel, OTEL_SERVICE_NAME: 'acme-tools-upstream', MCP_TRANSPORT: 'stdio' });
    assert.throws(() => parseStdioBridgeConfig({ BRIDGE_COMMAND: '["x"]', BRIDGE_TRACE_CHILDREN: 'yes' }), /BRIDGE_TRACE_CHILDREN/);
  });
});
