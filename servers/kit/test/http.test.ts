// The kit over real HTTP: protection layers, auth, rate limiting, caching, logs and probes.
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import type { TestServer } from '../testing.ts';
import { TEST_PROTOCOLS, connectClient, resultText, startTestServer } from '../testing.ts';
import type { FixtureCounters } from './fixtures.ts';
import { fixtureServer } from './fixtures.ts';
import { MODERN_HEADERS, captureStream, rawRequest, toolsCallBody, toolsCallHeaders } from './httpHelpers.ts';

describe('kit HTTP runtime', function () {
  this.timeout(60_000);
  let server: TestServer | undefined;
  const clients: Client[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
    await server?.close();
    server = undefined;
  });

  async function client(url: string, options: Parameters<typeof connectClient>[1] = {}): Promise<Client> {
    const connected = await connectClient(url, options);
    clients.push(connected);
    return connected;
  }

  describe('Host and Origin validation', () => {
    it('refuses an unknown Host with 403 and accepts Service and Ingress names', async () => {
      server = await startTestServer(fixtureServer(), { ALLOWED_HOSTS: 'fixture,fixture.tools.svc.cluster.local,*.example.com' });
      const call = (host: string) => rawRequest(server!.url, { method: 'POST', headers: toolsCallHeaders('lookup', { host }), body: toolsCallBody('lookup', { word: 'a' }) });
      const refused = await call('evil.attacker.com');
      assert.equal(refused.status, 403);
      assert.match(refused.body, /ALLOWED_HOSTS/);
      for (const host of ['fixture:8080', 'fixture.tools.svc.cluster.local', 'mcp.example.com']) {
        assert.equal((await call(host)).status, 200, host);
      }
      // Probes are not subject to Host checks (kubelet uses the pod IP).
      assert.equal((await rawRequest(`${server.baseUrl}/healthz`, { headers: { host: '10.1.2.3:8080' } })).status, 200);
    });

    it('refuses an unlisted Origin with 403, allows listed and absent Origins', async () => {
      server = await startTestServer(fixtureServer(), { ALLOWED_ORIGINS: 'https://console.example.com' });
      const call = (headers: Record<string, string>) => rawRequest(server!.url, { method: 'POST', headers: toolsCallHeaders('lookup', headers), body: toolsCallBody('lookup', { word: 'a' }) });
      const refused = await call({ origin: 'https://evil.example.net' });
      assert.equal(refused.status, 403);
      assert.match(refused.body, /ALLOWED_ORIGINS/);
      assert.equal((await call({ origin: 'https://console.example.com' })).status, 200);
      assert.equal((await call({})).status, 200);
    });
  });

  it('refuses bodies over MAX_BODY_BYTES with 413, declared or streamed', async () => {
    server = await startTestServer(fixtureServer(), { MAX_BODY_BYTES: '2048' });
    const big = toolsCallBody('lookup', { word: 'a', padding: 'x'.repeat(5000) });
    const declared = await rawRequest(server.url, { method: 'POST', headers: toolsCallHeaders('lookup'), body: big });
    assert.equal(declared.status, 413);
    assert.match(declared.body, /MAX_BODY_BYTES/);
    const chunked = await rawRequest(server.url, { method: 'POST', headers: { ...toolsCallHeaders('lookup'), 'transfer-encoding': 'chunked' }, body: big });
    assert.equal(chunked.status, 413);
    const fine = await rawRequest(server.url, { method: 'POST', headers: toolsCallHeaders('lookup'), body: toolsCallBody('lookup', { word: 'a' }) });
    assert.equal(fine.status, 200);
  });

  it('answers malformed JSON with a JSON-RPC parse error, not a crash', async () => {
    server = await startTestServer(fixtureServer());
    const response = await rawRequest(server.url, { method: 'POST', headers: MODERN_HEADERS, body: '{"jsonrpc":' });
    assert.equal(response.status, 400);
    assert.equal((JSON.parse(response.body) as { error: { code: number } }).error.code, -32700);
    assert.equal((await rawRequest(`${server.baseUrl}/healthz`)).status, 200);
  });

  describe('API keys', () => {
    for (const protocol of TEST_PROTOCOLS) {
      it(`accepts x-api-key and Bearer keys (${protocol})`, async () => {
        server = await startTestServer(fixtureServer(), { API_KEYS: 'key-one,key-two' });
        for (const headers of [{ 'x-api-key': 'key-one' }, { authorization: 'Bearer key-two' }] as Record<string, string>[]) {
          const connected = await client(server.url, { protocol, headers });
          const result = await connected.callTool({ name: 'lookup', arguments: { word: 'ok' } });
          assert.deepEqual(result.structuredContent, { word: 'OK', calls: (result.structuredContent as { calls: number }).calls });
        }
      });
    }

    it('refuses missing and wrong keys with 401, an ApiKey challenge (never Bearer without OAuth) and a message MCP clients show', async () => {
      server = await startTestServer(fixtureServer(), { API_KEYS: 'key-one' });
      const missing = await rawRequest(server.url, { method: 'POST', headers: toolsCallHeaders('lookup'), body: toolsCallBody('lookup', { word: 'a' }) });
      assert.equal(missing.status, 401);
      assert.equal(missing.headers['www-authenticate'], 'ApiKey realm="mcp", header="x-api-key"');
      assert.match((JSON.parse(missing.body) as { error: { message: string } }).error.message, /^An API key is required/);
      const wrong = await rawRequest(server.url, { method: 'POST', headers: toolsCallHeaders('lookup', { 'x-api-key': 'key-onf' }), body: toolsCallBody('lookup', { word: 'a' }) });
      assert.equal(wrong.status, 401);
      assert.match((JSON.parse(wrong.body) as { error: { data: { error: string } } }).error.data.error, /invalid_token/);
      assert.doesNotMatch(String(wrong.headers['www-authenticate']), /Bearer/);
      // The message reaches the client: in the error text (2025 era) or the error's data.text (2026 probe).
      const clientError = (pattern: RegExp) => (error: unknown) => pattern.test(`${String(error)} ${JSON.stringify((error as { data?: unknown }).data ?? {})}`);
      for (const protocol of TEST_PROTOCOLS) {
        await assert.rejects(connectClient(server.url, { protocol }), clientError(/An API key is required; send it in x-api-key/));
        await assert.rejects(connectClient(server.url, { protocol, headers: { 'x-api-key': 'nope' } }), clientError(/The API key is not valid/));
      }
      // Probes stay open for the kubelet.
      assert.equal((await rawRequest(`${server.baseUrl}/readyz`)).status, 200);
      assert.equal((await rawRequest(`${server.baseUrl}/metrics`)).status, 200);
    });
  });

  it('rate limits per client identity with 429 and Retry-After', async () => {
    server = await startTestServer(fixtureServer(), { API_KEYS: 'a-key,b-key', RATE_LIMIT_RPS: '0.5', RATE_LIMIT_BURST: '3' });
    const call = (key: string) => rawRequest(server!.url, { method: 'POST', headers: toolsCallHeaders('lookup', { 'x-api-key': key }), body: toolsCallBody('lookup', { word: 'a' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await call('a-key')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const refused = await call('a-key');
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal((await call('b-key')).status, 200, 'another client has its own bucket');
    const metrics = await rawRequest(`${server.baseUrl}/metrics`);
    assert.match(metrics.body, /^mcp_rate_limited_total 2$/m);
  });

  describe('result cache', () => {
    for (const protocol of TEST_PROTOCOLS) {
      it(`serves the second identical read-only call from cache, never non-read-only tools (${protocol})`, async () => {
        const counters: FixtureCounters = { lookups: 0, increments: 0 };
        server = await startTestServer(fixtureServer(counters), { CACHE_TTL_SECONDS: '60' });
        const connected = await client(server.url, { protocol });
        const first = await connected.callTool({ name: 'lookup', arguments: { word: 'same', options: { a: 1, b: 2 } } });
        const second = await connected.callTool({ name: 'lookup', arguments: { options: { b: 2, a: 1 }, word: 'same' } });
        assert.deepEqual(second.structuredContent, first.structuredContent);
        assert.equal(counters.lookups, 1, 'the handler ran once');
        await connected.callTool({ name: 'lookup', arguments: { word: 'other' } });
        assert.equal(counters.lookups, 2, 'different arguments miss');
        await connected.callTool({ name: 'increment', arguments: { by: 1 } });
        await connected.callTool({ name: 'increment', arguments: { by: 1 } });
        assert.equal(counters.increments, 2, 'non-read-only tools always run');
        const failed = await connected.callTool({ name: 'lookup', arguments: { word: 'missing' } });
        await connected.callTool({ name: 'lookup', arguments: { word: 'missing' } });
        assert.equal(failed.isError, true);
        assert.equal(counters.lookups, 4, 'errors are not cached');
        const metrics = (await rawRequest(`${server.baseUrl}/metrics`)).body;
        assert.match(metrics, /^mcp_cache_hits_total\{tool="lookup"\} 1$/m);
        assert.match(metrics, /^mcp_cache_misses_total\{tool="lookup"\} 4$/m);
        assert.match(metrics, /^mcp_tool_calls_total\{tool="lookup",outcome="cached"\} 1$/m);
        assert.doesNotMatch(metrics, /mcp_cache_(hits|misses)_total\{tool="increment"\}/);
      });
    }

    it('does not cache when CACHE_TTL_SECONDS is unset', async () => {
      const counters: FixtureCounters = { lookups: 0, increments: 0 };
      server = await startTestServer(fixtureServer(counters));
      const connected = await client(server.url);
      await connected.callTool({ name: 'lookup', arguments: { word: 'same' } });
      await connected.callTool({ name: 'lookup', arguments: { word: 'same' } });
      assert.equal(counters.lookups, 2);
    });
  });

  describe('tool results and errors', () => {
    for (const protocol of TEST_PROTOCOLS) {
      it(`returns structuredContent plus a text block, and MCP tool errors (${protocol})`, async () => {
        server = await startTestServer(fixtureServer(), { TOOL_TIMEOUT: '0.3' });
        const connected = await client(server.url, { protocol });
        const { tools } = await connected.listTools();
        const lookup = tools.find((tool) => tool.name === 'lookup');
        assert.equal(lookup?.title, 'Lookup');
        assert.equal(lookup?.annotations?.readOnlyHint, true);
        assert.ok(lookup?.outputSchema, 'output schema advertised');

        const ok = await connected.callTool({ name: 'lookup', arguments: { word: 'hi' } });
        assert.deepEqual(JSON.parse(resultText(ok)), ok.structuredContent);

        const toolError = await connected.callTool({ name: 'lookup', arguments: { word: 'missing' } });
        assert.equal(toolError.isError, true);
        assert.match(resultText(toolError), /No entry named "missing"; pick another word/);

        const crash = await connected.callTool({ name: 'lookup', arguments: { word: 'crash' } });
        assert.equal(crash.isError, true);
        assert.match(resultText(crash), /Internal error while running lookup; it was logged with request id/);
        assert.doesNotMatch(resultText(crash), /secret-internal-detail/);

        const invalid = await connected.callTool({ name: 'lookup', arguments: { word: 42 } });
        assert.equal(invalid.isError, true);
        assert.match(resultText(invalid), /Invalid arguments for tool lookup: word/);

        const badOutput = await connected.callTool({ name: 'bad_output', arguments: {} });
        assert.equal(badOutput.isError, true);
        assert.match(resultText(badOutput), /does not match its output schema/);

        const slow = await connected.callTool({ name: 'slow', arguments: { ms: 5000 } });
        assert.equal(slow.isError, true);
        assert.match(resultText(slow), /TOOL_TIMEOUT/);

        await assert.rejects(connected.callTool({ name: 'no_such_tool', arguments: {} }), /no_such_tool/);
        const still = await connected.callTool({ name: 'lookup', arguments: { word: 'alive' } });
        assert.equal(still.isError, undefined);
      });
    }
  });

  it('keeps API keys, bearer tokens and request ids straight in the logs', async () => {
    const logs = captureStream();
    server = await startTestServer(fixtureServer(), { API_KEYS: 'sk-live-abcdef123456', LOG_LEVEL: 'debug' }, { logStream: logs.stream });
    const good = await client(server.url, { headers: { authorization: 'Bearer sk-live-abcdef123456' } });
    await good.callTool({ name: 'lookup', arguments: { word: 'crash' } });
    await rawRequest(server.url, { method: 'POST', headers: toolsCallHeaders('lookup', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.wrongtoken.sig' }), body: toolsCallBody('lookup', { word: 'a' }) });
    await rawRequest(server.url, { method: 'POST', headers: toolsCallHeaders('lookup', { 'x-api-key': 'sk-live-guess-0000' }), body: toolsCallBody('lookup', { word: 'a' }) });
    await server.close();
    const text = logs.text();
    assert.ok(text.length > 0, 'logs were captured');
    for (const secret of ['sk-live-abcdef123456', 'wrongtoken', 'sk-live-guess-0000']) assert.ok(!text.includes(secret), `${secret} leaked into logs`);
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = lines.find((line) => line.message === 'tool call failed');
    assert.ok(failure, 'the crash was logged');
    assert.equal(typeof failure.requestId, 'string');
    assert.ok(lines.some((line) => line.message === 'request' && line.requestId === failure.requestId), 'access log shares the request id');
  });

  describe('probes and metrics', () => {
    it('serves /healthz, /readyz (with dependency checks) and /metrics', async () => {
      let dependencyUp = true;
      server = await startTestServer(
        fixtureServer(undefined, {
          ready: async () => {
            if (!dependencyUp) throw new Error('database file is missing');
          },
        }),
      );
      assert.equal((await rawRequest(`${server.baseUrl}/healthz`)).status, 200);
      assert.equal((await rawRequest(`${server.baseUrl}/readyz`)).status, 200);
      dependencyUp = false;
      const notReady = await rawRequest(`${server.baseUrl}/readyz`);
      assert.equal(notReady.status, 503);
      assert.match(notReady.body, /database file is missing/);
      assert.equal((await rawRequest(`${server.baseUrl}/healthz`)).status, 200, 'liveness does not depend on dependencies');

      const connected = await client(server.url);
      await connected.callTool({ name: 'lookup', arguments: { word: 'x' } });
      await connected.callTool({ name: 'lookup', arguments: { word: 'missing' } });
      const metrics = await rawRequest(`${server.baseUrl}/metrics`);
      assert.match(String(metrics.headers['content-type']), /text\/plain/);
      for (const pattern of [
        /^mcp_http_requests_total\{method="POST",path="\/mcp",status="200"\} \d+$/m,
        /^mcp_http_request_duration_seconds_bucket\{le="0.005",method="POST",path="\/mcp",status="200"\} \d+$/m,
        /^mcp_tool_calls_total\{tool="lookup",outcome="success"\} 1$/m,
        /^mcp_tool_calls_total\{tool="lookup",outcome="tool_error"\} 1$/m,
        /^mcp_tool_call_duration_seconds_count\{tool="lookup",outcome="success"\} 1$/m,
        /^mcp_rate_limited_total 0$/m,
        /^process_cpu_user_seconds_total /m,
        /^# TYPE mcp_cache_hits_total counter$/m,
        /^# TYPE mcp_cache_misses_total counter$/m,
      ]) {
        assert.match(metrics.body, pattern);
      }
      assert.equal((await rawRequest(`${server.baseUrl}/nope`)).status, 404);
    });
  });

  it('reuses McpServer instances across stateless requests', async () => {
    server = await startTestServer(fixtureServer());
    const connected = await client(server.url);
    for (let i = 0; i < 20; i += 1) await connected.callTool({ name: 'lookup', arguments: { word: `w${i}` } });
    assert.ok(server.kit.pool.created <= 3, `built ${server.kit.pool.created} instances for 20+ sequential requests`);
  });
});
