// The kit in proxy mode in front of a third-party Streamable HTTP server (server-everything from
// npm, a real process), driven by the real MCP client: API keys, tool policy (deny, rename,
// re-describe; a hidden tool cannot be called by name), the upstream's session header, SSE
// progress streamed as it happens, Host and body limits, rate limit, metrics, drain, and a dead
// upstream answered clearly.
import assert from 'node:assert/strict';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, defaultTestLogStream } from '../../kit/testing.ts';
import { rawRequest } from '../../kit/test/httpHelpers.ts';
import { parseProxyConfig } from '../config.ts';
import { startProxy, type RunningProxy } from '../run.ts';
import { startEverythingHttp, type UpstreamProcess } from './upstreams.ts';
import { ConfigError } from '../../kit/env.ts';
import { TOOL_SURFACE_META_KEY } from '../../kit/toolSurface.ts';

const KEY = 'proxy-test-key-0123456789';
const POLICY = { deny: ['get-env', 'trigger-*-request*'], overrides: { echo: { name: 'say', description: 'Says the message back.' } } };

async function proxyFor(upstream: UpstreamProcess, env: Record<string, string> = {}): Promise<RunningProxy> {
  const config = parseProxyConfig({ LOG_LEVEL: 'error', DRAIN_TIMEOUT: '10', PORT: '0', HOST: '127.0.0.1', UPSTREAM_URL: upstream.url, ...env });
  return startProxy(config, { logStream: defaultTestLogStream(), defaultMetrics: false });
}

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('kit proxy in front of server-everything (Streamable HTTP)', function () {
  this.timeout(120_000);
  let upstream: UpstreamProcess;
  let proxy: RunningProxy;
  const clients: Client[] = [];
  const connect = async () => {
    const client = await connectClient(proxy.url, { protocol: 'legacy', headers: { 'x-api-key': KEY } });
    clients.push(client);
    return client;
  };

  // Every streamed answer of this suite is watched for Node's listener-leak warning.
  const listenerWarnings: string[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') listenerWarnings.push(warning.message);
  };

  before(async () => {
    process.on('warning', onWarning);
    upstream = await startEverythingHttp();
    proxy = await proxyFor(upstream, { API_KEYS: KEY, TOOL_POLICY: JSON.stringify(POLICY), MAX_BODY_BYTES: '4096' });
  });
  after(async () => {
    process.off('warning', onWarning);
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await proxy?.shutdown();
    await upstream?.stop();
  });

  it('refuses clients without the API key', async () => {
    const refused = await rawRequest(proxy.url, { method: 'POST', headers: JSON_HEADERS, body: INIT });
    assert.equal(refused.status, 401);
    const wrong = await rawRequest(proxy.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-api-key': 'guess' }, body: INIT });
    assert.equal(wrong.status, 401);
    const client = await connect();
    assert.ok(client.getServerVersion()?.name, 'handshake through the proxy');
  });

  it("passes the upstream's Mcp-Session-Id through in both directions", async () => {
    const first = await rawRequest(proxy.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-api-key': KEY }, body: INIT });
    assert.equal(first.status, 200);
    const session = first.headers['mcp-session-id'];
    assert.equal(typeof session, 'string', 'the upstream session id reaches the client');
    const list = await rawRequest(proxy.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'x-api-key': KEY, 'mcp-session-id': String(session), 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(list.status, 200, `the session is known upstream: ${list.body.slice(0, 200)}`);
    const unknown = await rawRequest(proxy.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'x-api-key': KEY, 'mcp-session-id': 'not-a-session', 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
    });
    assert.ok(unknown.status >= 400, "the upstream's own answer to an unknown session passes through");
  });

  it('lists only exposed tools, renamed and re-described by the policy', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes('say'), `renamed tool listed: ${names.join(', ')}`);
    assert.ok(!names.includes('echo'), 'the original name of a renamed tool is gone');
    assert.ok(!names.includes('get-env'), 'denied tool hidden');
    assert.ok(!names.some((n) => /^trigger-.*-request/.test(n)), 'glob-denied tools hidden');
    assert.ok(names.includes('get-sum'), 'other tools stay');
    assert.equal(tools.find((t) => t.name === 'say')!.description, 'Says the message back.');
    const listed = await client.listTools();
    const surface = listed._meta?.[TOOL_SURFACE_META_KEY] as { offered: number; exposed: number };
    assert.equal(surface.exposed, listed.tools.length);
    assert.ok(surface.offered > surface.exposed, 'the upstream offers more than the policy exposes');
  });

  it('refuses hidden tools by name, as if they did not exist, and calls renamed ones', async () => {
    const client = await connect();
    for (const hidden of ['get-env', 'echo', 'trigger-sampling-request']) {
      await assert.rejects(client.callTool({ name: hidden, arguments: { message: 'x' } }), (error: unknown) => {
        assert.ok(error instanceof ProtocolError, String(error));
        assert.match((error as Error).message, new RegExp(`Tool ${hidden} not found`));
        return true;
      });
    }
    const said = await client.callTool({ name: 'say', arguments: { message: 'hello through the proxy' } });
    assert.match(JSON.stringify(said.content), /hello through the proxy/);
    const metrics = await rawRequest(`${proxy.baseUrl}/metrics`);
    assert.match(metrics.body, /mcp_tool_calls_total\{tool="say",outcome="success"\} [1-9]/);
  });

  it('streams SSE progress as it happens instead of buffering the answer', async () => {
    const client = await connect();
    const progressAt: number[] = [];
    const started = Date.now();
    await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 3, steps: 3 } },
      { onprogress: () => progressAt.push(Date.now()), timeout: 60_000 },
    );
    const doneAt = Date.now();
    assert.ok(progressAt.length >= 2, `progress notifications arrived (${progressAt.length})`);
    // The upstream spaces its steps one second apart; a buffering proxy would deliver all at the end.
    assert.ok(doneAt - progressAt[0]! >= 900, `first progress ${progressAt[0]! - started} ms after start, result at ${doneAt - started} ms`);
  });

  it('applies Host and body limits before the upstream sees anything', async () => {
    const badHost = await rawRequest(proxy.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-api-key': KEY, host: 'evil.example:80' }, body: INIT });
    assert.equal(badHost.status, 403);
    const big = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'say', arguments: { message: 'x'.repeat(10_000) } } });
    const tooLarge = await rawRequest(proxy.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-api-key': KEY }, body: big });
    assert.equal(tooLarge.status, 413);
  });

  it('rate-limits per client identity', async () => {
    const limited = await proxyFor(upstream, { API_KEYS: KEY, RATE_LIMIT_RPS: '0.01', RATE_LIMIT_BURST: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await rawRequest(limited.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-api-key': KEY }, body: INIT })).status);
      assert.deepEqual(statuses, [200, 200, 429, 429]);
    } finally {
      await limited.shutdown();
    }
  });

  it('drains: an in-flight streamed call finishes, new requests get 503', async () => {
    const draining = await proxyFor(upstream, { API_KEYS: KEY });
    const client = await connectClient(draining.url, { protocol: 'legacy', headers: { 'x-api-key': KEY } });
    try {
      const call = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 2 } }, { onprogress: () => undefined, timeout: 60_000 });
      // Wait until the call is in flight at the proxy.
      const deadline = Date.now() + 20_000;
      while (draining.http.inFlight === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const stopped = draining.shutdown();
      const refused = await rawRequest(draining.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-api-key': KEY }, body: INIT }).catch(() => ({ status: 503 }));
      assert.equal(refused.status, 503);
      const result = await call;
      assert.ok(!result.isError, 'the in-flight call completed');
      assert.deepEqual(await stopped, { drained: true });
    } finally {
      await client.close().catch(() => undefined);
      await draining.shutdown();
    }
  });

  it('answers 502 and fails readiness while the upstream is down', async () => {
    const dead = await startEverythingHttp();
    const front = await proxyFor(dead);
    try {
      await dead.stop();
      const answer = await rawRequest(front.url, { method: 'POST', headers: JSON_HEADERS, body: INIT });
      assert.equal(answer.status, 502);
      assert.match(answer.body, /did not answer/);
      assert.equal((await rawRequest(`${front.baseUrl}/readyz`)).status, 503);
    } finally {
      await front.shutdown();
    }
  });

  it('streamed answers stay under the listener-leak warning (the SSE tests above ran through it)', async () => {
    // Warnings are emitted on the next tick; let any pending one arrive.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(listenerWarnings, []);
  });

  it('refuses settings it cannot honour instead of ignoring them', () => {
    assert.throws(() => parseProxyConfig({ UPSTREAM_URL: 'http://127.0.0.1:1/mcp', CACHE_TTL_SECONDS: '30' }), (e: unknown) => e instanceof ConfigError && /not available in proxy mode/.test((e as Error).message));
    assert.throws(() => parseProxyConfig({ UPSTREAM_URL: 'ftp://x/mcp' }), ConfigError);
    assert.throws(() => parseProxyConfig({}), ConfigError);
  });
});
