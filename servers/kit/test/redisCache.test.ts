// The Redis result-cache backend against a real redis-server (with a password, to prove it
// never reaches the logs).
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import type { TestServer } from '../testing.ts';
import { connectClient, startTestServer } from '../testing.ts';
import type { TestRedis } from '../testRedis.ts';
import { startTestRedis } from '../testRedis.ts';
import type { FixtureCounters } from './fixtures.ts';
import { fixtureServer } from './fixtures.ts';
import { captureStream, pollUntil, rawRequest } from './httpHelpers.ts';

describe('kit Redis result cache', function () {
  this.timeout(60_000);
  const password = 'redis-pass-7f3a9c';
  let redis: TestRedis;
  const servers: TestServer[] = [];
  const clients: Client[] = [];

  before(async () => {
    redis = await startTestRedis({ password });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  after(async () => {
    await redis?.close();
  });

  it('shares cached read-only results between replicas and keeps the password out of logs', async () => {
    const logs = captureStream();
    const env = { CACHE_TTL_SECONDS: '60', CACHE_BACKEND: 'redis', REDIS_URL: redis.url, LOG_LEVEL: 'debug' };
    const countersA: FixtureCounters = { lookups: 0, increments: 0 };
    const countersB: FixtureCounters = { lookups: 0, increments: 0 };
    const replicaA = await startTestServer(fixtureServer(countersA), env, { logStream: logs.stream });
    const replicaB = await startTestServer(fixtureServer(countersB), env, { logStream: logs.stream });
    servers.push(replicaA, replicaB);
    const clientA = await connectClient(replicaA.url);
    const clientB = await connectClient(replicaB.url, { protocol: 'legacy' });
    clients.push(clientA, clientB);

    const word = `w${Date.now()}`;
    const first = await clientA.callTool({ name: 'lookup', arguments: { word, options: { a: 1, b: 2 } } });
    const second = await clientB.callTool({ name: 'lookup', arguments: { options: { b: 2, a: 1 }, word } });
    assert.deepEqual(second.structuredContent, first.structuredContent);
    assert.equal(countersA.lookups, 1);
    assert.equal(countersB.lookups, 0, 'replica B answered from the shared cache');

    await clientA.callTool({ name: 'increment', arguments: {} });
    await clientB.callTool({ name: 'increment', arguments: {} });
    assert.equal(countersA.increments + countersB.increments, 2, 'non-read-only tools are never cached');
    assert.match((await rawRequest(`${replicaB.baseUrl}/metrics`)).body, /^mcp_cache_hits_total\{tool="lookup"\} 1$/m);

    await replicaA.close();
    await replicaB.close();
    assert.ok(logs.text().length > 0);
    assert.ok(!logs.text().includes(password), 'the Redis password leaked into logs');
  });

  it('fails readiness but keeps answering uncached when Redis goes away', async () => {
    const own = await startTestRedis();
    const counters: FixtureCounters = { lookups: 0, increments: 0 };
    const server = await startTestServer(fixtureServer(counters), { CACHE_TTL_SECONDS: '60', CACHE_BACKEND: 'redis', REDIS_URL: own.url });
    servers.push(server);
    const client = await connectClient(server.url);
    clients.push(client);
    // The kit never waits for Redis at start: readiness turns 200 once the connection is up.
    await pollUntil(async () => (await rawRequest(`${server.baseUrl}/readyz`)).status === 200, 'readiness once Redis answers');
    await own.close();
    await pollUntil(async () => (await rawRequest(`${server.baseUrl}/readyz`)).status === 503, 'readiness to fail without Redis');
    const result = await client.callTool({ name: 'lookup', arguments: { word: 'still' } });
    assert.equal((result.structuredContent as { word: string }).word, 'STILL');
    assert.equal(counters.lookups, 1);
  });
});
