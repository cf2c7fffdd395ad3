// Every utility tool through the real MCP client over HTTP, in both protocol revisions, for
// success and each error path; memory and Redis (real redis-server) backends.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Client } from '@modelcontextprotocol/client';
import { createLogger } from '../../kit/logger.ts';
import type { TestServer } from '../../kit/testing.ts';
import { TEST_PROTOCOLS, connectClient, resultText, startTestServer } from '../../kit/testing.ts';
import type { TestRedis } from '../../kit/testRedis.ts';
import { startTestRedis } from '../../kit/testRedis.ts';
import { MemoryKvStore } from '../lib/store.ts';
import { openUtilityServer } from '../open.ts';
import { createServer } from '../server.ts';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0); // Saturday 2024-06-01 12:00:00 UTC

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const structured = <T>(result: CallResult) => result.structuredContent as T;

function expectToolError(result: CallResult, pattern: RegExp): void {
  assert.equal(result.isError, true, `expected a tool error, got ${JSON.stringify(result)}`);
  assert.match(resultText(result), pattern);
}

const quietLogger = () => {
  const sink = new PassThrough();
  sink.resume();
  return createLogger({ stream: sink });
};

describe('utility server over HTTP', function () {
  this.timeout(60_000);

  for (const protocol of TEST_PROTOCOLS) {
    describe(`memory store, ${protocol} protocol`, () => {
      let server: TestServer;
      let client: Client;

      before(async () => {
        server = await startTestServer(createServer({ store: new MemoryKvStore({ maxKeys: 5 }), maxValueBytes: 32, now: () => NOW }), { CACHE_TTL_SECONDS: '60' });
        client = await connectClient(server.url, { protocol });
      });
      after(async () => {
        await client?.close();
        await server?.close();
      });

      it('lists the six tools with titles, schemas and annotations', async () => {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['convert_time', 'get_time', 'kv_delete', 'kv_get', 'kv_list', 'kv_set']);
        for (const tool of tools) {
          assert.ok(tool.title && tool.description && tool.outputSchema && tool.annotations, tool.name);
        }
        assert.equal(tools.find((tool) => tool.name === 'kv_delete')?.annotations?.destructiveHint, true);
        assert.equal(tools.find((tool) => tool.name === 'kv_get')?.annotations?.readOnlyHint, true);
      });

      it('kv_set, kv_get, kv_delete: success paths (never served stale from the cache)', async () => {
        const set = await client.callTool({ name: 'kv_set', arguments: { key: 'colour', value: 'blue' } });
        assert.deepEqual(structured(set), { key: 'colour', stored: true, bytes: 4, ttl_seconds: null, backend: 'memory' });
        assert.deepEqual(JSON.parse(resultText(set)), set.structuredContent);
        assert.deepEqual(structured(await client.callTool({ name: 'kv_get', arguments: { key: 'colour' } })), { key: 'colour', value: 'blue', bytes: 4 });
        await client.callTool({ name: 'kv_set', arguments: { key: 'colour', value: 'grün', ttl_seconds: 60 } });
        assert.equal(structured<{ value: string }>(await client.callTool({ name: 'kv_get', arguments: { key: 'colour' } })).value, 'grün');
        assert.deepEqual(structured(await client.callTool({ name: 'kv_delete', arguments: { key: 'colour' } })), { key: 'colour', deleted: true });
        assert.deepEqual(structured(await client.callTool({ name: 'kv_delete', arguments: { key: 'colour' } })), { key: 'colour', deleted: false });
      });

      it('kv_set: error paths (too large, bad key, bad ttl, store full)', async () => {
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: 'big', value: 'x'.repeat(33) } }), /33 bytes; the limit is 32 bytes \(KV_MAX_VALUE_BYTES\)/);
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: 'big', value: 'é'.repeat(17) } }), /34 bytes/);
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: '', value: 'v' } }), /key must not be empty/);
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: 'k'.repeat(300), value: 'v' } }), /at most 256/);
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: 'a\u0001b', value: 'v' } }), /control characters/);
        // C1 controls and bidirectional overrides make one key look like another.
        for (const key of ['a\u0085b', 'a\u009bb', 'invoice\u202Efdp.exe', 'x\u2066y', 'a\u200fb', 'bad\ud800'])
          expectToolError(await client.callTool({ name: 'kv_set', arguments: { key, value: 'v' } }), /control characters or bidirectional|valid Unicode/);
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: 'k', value: 'v', ttl_seconds: 0 } }), /ttl_seconds/);
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: 'k' } }), /value/);
        for (let i = 0; i < 5; i += 1) await client.callTool({ name: 'kv_set', arguments: { key: `fill:${i}`, value: 'v' } });
        expectToolError(await client.callTool({ name: 'kv_set', arguments: { key: 'one-too-many', value: 'v' } }), /maximum of 5 keys.*kv_delete/);
        for (let i = 0; i < 5; i += 1) await client.callTool({ name: 'kv_delete', arguments: { key: `fill:${i}` } });
      });

      it('kv_get: error paths (missing key, invalid key)', async () => {
        expectToolError(await client.callTool({ name: 'kv_get', arguments: { key: 'nobody' } }), /No value is stored under "nobody"; check the key with kv_list/);
        expectToolError(await client.callTool({ name: 'kv_get', arguments: {} }), /key/);
        expectToolError(await client.callTool({ name: 'kv_delete', arguments: { key: '' } }), /key must not be empty/);
      });

      it('kv_list: prefix, limit, truncation and bad arguments', async () => {
        for (const key of ['user:b', 'user:a', 'team:x']) await client.callTool({ name: 'kv_set', arguments: { key, value: '1' } });
        assert.deepEqual(structured(await client.callTool({ name: 'kv_list', arguments: { prefix: 'user:' } })), { prefix: 'user:', keys: ['user:a', 'user:b'], count: 2, truncated: false });
        assert.deepEqual(structured(await client.callTool({ name: 'kv_list', arguments: { limit: 1 } })), { prefix: '', keys: ['team:x'], count: 1, truncated: true });
        await client.callTool({ name: 'kv_delete', arguments: { key: 'team:x' } });
        assert.deepEqual(structured<{ keys: string[] }>(await client.callTool({ name: 'kv_list', arguments: {} })).keys, ['user:a', 'user:b']);
        expectToolError(await client.callTool({ name: 'kv_list', arguments: { limit: 0 } }), /limit/);
        expectToolError(await client.callTool({ name: 'kv_list', arguments: { limit: 5000 } }), /limit/);
        for (const key of ['user:a', 'user:b']) await client.callTool({ name: 'kv_delete', arguments: { key } });
      });

      it('get_time: UTC by default, any IANA zone, clear error for unknown zones', async () => {
        assert.deepEqual(structured(await client.callTool({ name: 'get_time', arguments: {} })), {
          timezone: 'UTC',
          datetime: '2024-06-01T12:00:00+00:00',
          date: '2024-06-01',
          time: '12:00:00',
          weekday: 'Saturday',
          utc_offset: '+00:00',
          is_dst: false,
          unix_seconds: NOW / 1000,
          utc: '2024-06-01T12:00:00Z',
        });
        const tokyo = structured<{ datetime: string; utc_offset: string }>(await client.callTool({ name: 'get_time', arguments: { timezone: 'Asia/Tokyo' } }));
        assert.equal(tokyo.datetime, '2024-06-01T21:00:00+09:00');
        expectToolError(await client.callTool({ name: 'get_time', arguments: { timezone: 'Moon/Tranquility' } }), /Unknown time zone "Moon\/Tranquility"; use an IANA name/);
        expectToolError(await client.callTool({ name: 'get_time', arguments: { timezone: '' } }), /timezone/);
      });

      it('convert_time: conversions and each error path', async () => {
        const converted = structured<{ source: { datetime: string }; target: { datetime: string; is_dst: boolean }; time_difference: string }>(
          await client.callTool({ name: 'convert_time', arguments: { time: '09:15', from_timezone: 'America/New_York', to_timezone: 'Asia/Kolkata' } }),
        );
        assert.equal(converted.source.datetime, '2024-06-01T09:15:00-04:00');
        assert.equal(converted.target.datetime, '2024-06-01T18:45:00+05:30');
        assert.equal(converted.time_difference, '+9h30m');
        const absolute = structured<{ target: { datetime: string } }>(await client.callTool({ name: 'convert_time', arguments: { time: '2024-12-24T23:30:00Z', from_timezone: 'UTC', to_timezone: 'Australia/Sydney' } }));
        assert.equal(absolute.target.datetime, '2024-12-25T10:30:00+11:00');
        expectToolError(await client.callTool({ name: 'convert_time', arguments: { time: '09:15', from_timezone: 'Nowhere/Land', to_timezone: 'UTC' } }), /Unknown time zone "Nowhere\/Land"/);
        expectToolError(await client.callTool({ name: 'convert_time', arguments: { time: '09:15', from_timezone: 'UTC', to_timezone: 'Atlantis' } }), /Unknown time zone "Atlantis"/);
        expectToolError(await client.callTool({ name: 'convert_time', arguments: { time: 'noon', from_timezone: 'UTC', to_timezone: 'UTC' } }), /Cannot read time "noon"/);
        expectToolError(await client.callTool({ name: 'convert_time', arguments: { time: '2024-03-10T02:30', from_timezone: 'America/New_York', to_timezone: 'UTC' } }), /does not exist.*daylight saving/);
        expectToolError(await client.callTool({ name: 'convert_time', arguments: { from_timezone: 'UTC', to_timezone: 'UTC' } }), /time/);
      });
    });
  }

  describe('Redis store (REDIS_URL), shared by replicas', () => {
    let redis: TestRedis;
    const servers: TestServer[] = [];
    const clients: Client[] = [];

    before(async () => {
      redis = await startTestRedis();
    });
    after(async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => {})));
      await Promise.all(servers.map((server) => server.close()));
      await redis?.close();
    });

    it('kv_* on one replica are visible on another, in both protocols', async () => {
      for (let i = 0; i < 2; i += 1) {
        const utility = await openUtilityServer({ REDIS_URL: redis.url, KV_MAX_VALUE_BYTES: '16' }, { logger: quietLogger(), httpTimeoutMs: 5000 });
        servers.push(await startTestServer(utility));
      }
      const [first, second] = servers;
      assert.ok(first && second);
      const a = await connectClient(first.url, { protocol: 'current' });
      const b = await connectClient(second.url, { protocol: 'legacy' });
      clients.push(a, b);

      assert.equal(structured<{ backend: string }>(await a.callTool({ name: 'kv_set', arguments: { key: 'shared:1', value: 'from-a' } })).backend, 'redis');
      assert.equal(structured<{ value: string }>(await b.callTool({ name: 'kv_get', arguments: { key: 'shared:1' } })).value, 'from-a');
      await b.callTool({ name: 'kv_set', arguments: { key: 'shared:2', value: 'from-b' } });
      assert.deepEqual(structured<{ keys: string[] }>(await a.callTool({ name: 'kv_list', arguments: { prefix: 'shared:' } })).keys, ['shared:1', 'shared:2']);
      assert.deepEqual(structured(await a.callTool({ name: 'kv_delete', arguments: { key: 'shared:2' } })), { key: 'shared:2', deleted: true });
      expectToolError(await b.callTool({ name: 'kv_get', arguments: { key: 'shared:2' } }), /No value is stored/);
      expectToolError(await b.callTool({ name: 'kv_set', arguments: { key: 'k', value: 'x'.repeat(17) } }), /limit is 16 bytes/);
      const ttl = await a.callTool({ name: 'kv_set', arguments: { key: 'shared:ttl', value: 'v', ttl_seconds: 100 } });
      assert.equal(structured<{ ttl_seconds: number }>(ttl).ttl_seconds, 100);
      assert.equal((await fetch(`${first.baseUrl}/readyz`)).status, 200);
    });
  });

  it('refuses bad utility settings with a clear message', async () => {
    await assert.rejects(openUtilityServer({ KV_MAX_VALUE_BYTES: 'lots' }, { logger: quietLogger(), httpTimeoutMs: 1000 }), /KV_MAX_VALUE_BYTES/);
    await assert.rejects(openUtilityServer({ REDIS_URL: 'http://redis' }, { logger: quietLogger(), httpTimeoutMs: 1000 }), /REDIS_URL: must start with redis:\/\//);
  });
});
