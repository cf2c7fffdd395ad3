// Probes of the kit's HTTP front as an attacker and as a browser would send them: malformed and
// duplicate Host headers, loopback origins, CORS preflights, API-key guessing, rate limits shared
// by replicas through a real Redis, and daily quotas.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { TestServer } from '../testing.ts';
import { startTestServer } from '../testing.ts';
import type { TestRedis } from '../testRedis.ts';
import { startTestRedis } from '../testRedis.ts';
import { fixtureServer } from './fixtures.ts';
import { rawRequest, toolsCallBody, toolsCallHeaders, type RawResponse } from './httpHelpers.ts';

/** One request over a raw socket, so headers can be anything (two Host lines, odd ports). */
function rawHttp(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`${head}\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error('raw request timed out')));
  });
}

/** A lookup call from a given loopback source address (127.0.0.x), to tell clients apart. */
function lookupFrom(url: string, localAddress: string, headers: Record<string, string>): Promise<RawResponse> {
  return rawRequest(url, { method: 'POST', headers: toolsCallHeaders('lookup', headers), body: toolsCallBody('lookup', { word: 'a' }), localAddress });
}

describe('kit hardening probes', function () {
  this.timeout(60_000);
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const server = await startTestServer(fixtureServer(), env);
    servers.push(server);
    return server;
  };
  const call = (server: TestServer, headers: Record<string, string> = {}) =>
    rawRequest(server.url, { method: 'POST', headers: toolsCallHeaders('lookup', headers), body: toolsCallBody('lookup', { word: 'a' }) });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  describe('Host header', () => {
    it('answers 400 to a malformed Host (port 0, 99999, letters) and to two Host headers', async () => {
      const server = await start();
      for (const host of ['localhost:99999', 'localhost:0', 'localhost:http', '[::1]:70000', 'a b']) {
        const response = await call(server, { host });
        assert.equal(response.status, 400, host);
        assert.match(response.body, /Host header .* is malformed/);
      }
      const port = server.kit.port;
      const twice = await rawHttp(port, `GET /healthz HTTP/1.1\r\nHost: localhost:${port}\r\nHost: evil.example.com`);
      assert.match(twice, /^HTTP\/1\.1 400 /);
      assert.match(twice, /more than one Host header/);
      assert.match(await rawHttp(port, `GET /healthz HTTP/1.1\r\nHost: localhost:${port}`), /^HTTP\/1\.1 200 /);
    });
  });

  describe('Origins and CORS', () => {
    it('accepts loopback origins exactly when the Host is loopback', async () => {
      const server = await start({ ALLOWED_HOSTS: 'mcp.example.com' });
      const port = server.kit.port;
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        for (const origin of ['http://localhost:6274', 'http://127.0.0.1:5173', 'http://[::1]:3000', `http://localhost:${port}`]) {
          assert.equal((await call(server, { host, origin })).status, 200, `${origin} → ${host}`);
        }
      }
      // A public Host with a loopback Origin is a rebinding page or a confused proxy: refused.
      assert.equal((await call(server, { host: 'mcp.example.com', origin: 'http://localhost:6274' })).status, 403);
      assert.equal((await call(server, { host: `localhost:${port}`, origin: 'http://evil.example.com' })).status, 403);
      assert.equal((await call(server, { host: `localhost:${port}`, origin: 'http://localhost.evil.com:80' })).status, 403);
    });

    it('answers preflights for allowed origins and exposes the MCP headers; refuses others', async () => {
      const server = await start({ ALLOWED_ORIGINS: 'https://console.example.com', API_KEYS: 'k' });
      const preflight = await rawRequest(server.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://console.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key, mcp-protocol-version' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://console.example.com');
      assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
      for (const header of ['content-type', 'x-api-key', 'mcp-protocol-version', 'authorization', 'mcp-session-id']) {
        assert.match(String(preflight.headers['access-control-allow-headers']), new RegExp(header));
      }
      const refused = await rawRequest(server.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers['access-control-allow-origin'], undefined);

      const served = await call(server, { origin: 'https://console.example.com', 'x-api-key': 'k' });
      assert.equal(served.status, 200);
      assert.equal(served.headers['access-control-allow-origin'], 'https://console.example.com');
      assert.match(String(served.headers['access-control-expose-headers']), /mcp-protocol-version/);
      // The browser can read why it was refused, too.
      const unauthenticated = await call(server, { origin: 'https://console.example.com' });
      assert.equal(unauthenticated.status, 401);
      assert.equal(unauthenticated.headers['access-control-allow-origin'], 'https://console.example.com');
      assert.match(String(unauthenticated.headers['access-control-expose-headers']), /www-authenticate/);
    });
  });

  describe('failed authentication', () => {
    it('throttles guessing per client address: 200 wrong keys give 20 × 401, then 429', async () => {
      const server = await start({ API_KEYS: 'the-right-key' });
      const statuses = new Map<number, number>();
      for (let guess = 0; guess < 200; guess += 1) {
        const { status } = await lookupFrom(server.url, '127.0.0.1', { 'x-api-key': `guess-${guess}` });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      assert.deepEqual(Object.fromEntries(statuses), { 401: 20, 429: 180 });
      // Throttled addresses learn nothing: even the right key is refused until the budget refills.
      const blocked = await lookupFrom(server.url, '127.0.0.1', { 'x-api-key': 'the-right-key' });
      assert.equal(blocked.status, 429);
      assert.match(blocked.body, /Too many failed authentication attempts/);
      assert.ok(Number(blocked.headers['retry-after']) >= 1);
      // Another client is not affected.
      assert.equal((await lookupFrom(server.url, '127.0.0.2', { 'x-api-key': 'the-right-key' })).status, 200);
    });
  });

  describe('behind a trusted proxy (TRUSTED_PROXY_CIDRS)', () => {
    // 127.0.0.1 plays the Ingress controller; 127.0.0.2 is a client reaching the pod directly.
    const guess = (server: TestServer, from: string, forwardedFor: string | undefined, key = 'wrong') =>
      lookupFrom(server.url, from, { 'x-api-key': key, ...(forwardedFor !== undefined && { 'x-forwarded-for': forwardedFor }) });
    const statusesOf = async (count: number, send: (i: number) => Promise<RawResponse>) => {
      const statuses: Record<number, number> = {};
      for (let i = 0; i < count; i += 1) {
        const { status } = await send(i);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      return statuses;
    };

    it('throttles each client behind the proxy on its own: one guesser does not lock out the others', async () => {
      const server = await start({ API_KEYS: 'the-right-key', AUTH_FAILURES_PER_MINUTE: '5', TRUSTED_PROXY_CIDRS: '127.0.0.1/32' });
      assert.deepEqual(await statusesOf(8, () => guess(server, '127.0.0.1', '203.0.113.5')), { 401: 5, 429: 3 });
      // Everybody else arrives through the same proxy address and is served.
      assert.equal((await guess(server, '127.0.0.1', '198.51.100.7', 'the-right-key')).status, 200);
      assert.equal((await guess(server, '127.0.0.1', '198.51.100.8')).status, 401);
      // The proxy appends the real peer: a client's own forged entries to the left do not help it.
      assert.equal((await guess(server, '127.0.0.1', '1.1.1.1, 203.0.113.5', 'the-right-key')).status, 429);
    });

    it('ignores X-Forwarded-For from a peer that is not a trusted proxy: spoofing a new address per guess does not escape', async () => {
      const server = await start({ API_KEYS: 'the-right-key', AUTH_FAILURES_PER_MINUTE: '5', TRUSTED_PROXY_CIDRS: '127.0.0.1/32' });
      assert.deepEqual(await statusesOf(8, (i) => guess(server, '127.0.0.2', `203.0.113.${i + 1}`)), { 401: 5, 429: 3 });
      // Nor can it frame another client: the proxy's clients are unaffected.
      assert.equal((await guess(server, '127.0.0.1', '203.0.113.1', 'the-right-key')).status, 200);
    });

    it('without TRUSTED_PROXY_CIDRS the header is never read', async () => {
      const server = await start({ API_KEYS: 'the-right-key', AUTH_FAILURES_PER_MINUTE: '3' });
      assert.deepEqual(await statusesOf(5, (i) => guess(server, '127.0.0.1', `203.0.113.${i + 1}`)), { 401: 3, 429: 2 });
    });

    it('survives garbage, long and IPv6 chains: garbage keys on the proxy, an IPv6 /64 is one client', async () => {
      const server = await start({ API_KEYS: 'the-right-key', AUTH_FAILURES_PER_MINUTE: '4', TRUSTED_PROXY_CIDRS: '127.0.0.1/32' });
      const garbage = ['unknown', '<script>alert(1)</script>', '999.999.999.999', '", 1.2.3.4', ' , , '];
      for (const value of garbage) assert.equal((await guess(server, '127.0.0.1', value)).status, 401, value);
      // Those four failures counted against the proxy's own address, not a made-up client.
      assert.equal((await guess(server, '127.0.0.1', undefined, 'the-right-key')).status, 429);
      assert.equal((await guess(server, '127.0.0.1', '198.51.100.9', 'the-right-key')).status, 200);
      // A long chain (about 8 KiB of hops) is answered, from the right-most untrusted hop.
      const long = `${Array.from({ length: 500 }, (_, i) => `192.0.2.${i % 250}`).join(', ')}, 198.51.100.10`;
      assert.equal((await guess(server, '127.0.0.1', long, 'the-right-key')).status, 200);
      // Rotating through one IPv6 /64 is one client.
      const ipv6 = await statusesOf(6, (i) => guess(server, '127.0.0.1', i % 2 === 0 ? `2001:db8:5:6::${i + 1}` : `[2001:db8:5:6:ffff::${i + 1}]:443`));
      assert.deepEqual(ipv6, { 401: 4, 429: 2 });
      assert.equal((await guess(server, '127.0.0.1', '2001:db8:5:7::1', 'the-right-key')).status, 200, 'the next /64 is another client');
    });

    it('keys rate limits without auth by the client behind the proxy', async () => {
      const server = await start({ RATE_LIMIT_RPS: '0.05', RATE_LIMIT_BURST: '2', TRUSTED_PROXY_CIDRS: '127.0.0.1/32' });
      const through = (client: string) => lookupFrom(server.url, '127.0.0.1', { 'x-forwarded-for': client });
      assert.deepEqual([(await through('203.0.113.5')).status, (await through('203.0.113.5')).status, (await through('203.0.113.5')).status], [200, 200, 429]);
      assert.equal((await through('203.0.113.6')).status, 200);
    });

    it('refuses to start on an entry that is not an address or range', async () => {
      await assert.rejects(start({ TRUSTED_PROXY_CIDRS: '10.0.0.0/8,ingress-nginx' }), /TRUSTED_PROXY_CIDRS: "ingress-nginx" is not an IP address or CIDR range/);
    });
  });

  describe('rate limits and quotas', () => {
    let redis: TestRedis;
    before(async () => {
      redis = await startTestRedis();
    });
    after(async () => {
      await redis?.close();
    });

    it('is cluster-wide with Redis: two replicas give a client its burst once, not twice', async () => {
      const env = { API_KEYS: 'k', RATE_LIMIT_RPS: '0.05', RATE_LIMIT_BURST: '5', REDIS_URL: redis.url };
      const replicas = [await start(env), await start(env)];
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) statuses.push((await call(replicas[i % 2] as TestServer, { 'x-api-key': 'k' })).status);
      assert.equal(statuses.filter((status) => status === 200).length, 5, statuses.join(','));
      assert.equal(statuses.filter((status) => status === 429).length, 7);
      // Per replica (no Redis) the same client would get 5 from each.
      const local = [await start({ ...env, REDIS_URL: '' }), await start({ ...env, REDIS_URL: '' })];
      const localStatuses: number[] = [];
      for (let i = 0; i < 12; i += 1) localStatuses.push((await call(local[i % 2] as TestServer, { 'x-api-key': 'k' })).status);
      assert.equal(localStatuses.filter((status) => status === 200).length, 10);
    });

    it('enforces a daily quota per key, shared by replicas, with Retry-After until UTC midnight', async () => {
      const env = { API_KEYS: 'quota-key,other-key', RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000', RATE_LIMIT_DAILY_QUOTA: '7', REDIS_URL: redis.url };
      const replicas = [await start(env), await start(env)];
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await call(replicas[i % 2] as TestServer, { 'x-api-key': 'quota-key' })).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 429, 429, 429]);
      const refused = await call(replicas[0] as TestServer, { 'x-api-key': 'quota-key' });
      assert.match(refused.body, /Daily quota exceeded/);
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 86_400, String(retryAfter));
      assert.equal((await call(replicas[1] as TestServer, { 'x-api-key': 'other-key' })).status, 200);
    });

    it('falls back to per-replica limits, and says so once, while Redis is unreachable', async () => {
      const server = await start({ API_KEYS: 'k', RATE_LIMIT_RPS: '0.05', RATE_LIMIT_BURST: '3', REDIS_URL: 'redis://127.0.0.1:1' });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await call(server, { 'x-api-key': 'k' })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.equal((await rawRequest(`${server.baseUrl}/readyz`)).status, 503);
    });
  });
});
