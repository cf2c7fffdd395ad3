// Redis at start and during outages, against a real utility server process and a real
// redis-server: the server listens without Redis and fails readiness with one clear log line,
// recovers by itself when Redis appears, answers "Redis unavailable" during an outage without
// flooding the log, and a wrong password is reported, not hung on.
import assert from 'node:assert/strict';
import { connectClient, resultText } from '../../kit/testing.ts';
import { freeLoopbackPort, startTestRedis, type TestRedis } from '../../kit/testRedis.ts';
import { pollUntil, rawRequest } from '../../kit/test/httpHelpers.ts';
import { startServerProcess, type ServerProcess } from '../../kit/test/serverProcess.ts';

const readyStatus = async (server: ServerProcess) => (await rawRequest(`${server.baseUrl}/readyz`).catch(() => ({ status: 0 }))).status;
const logLines = (server: ServerProcess, pattern: RegExp) => server.output().split('\n').filter((line) => pattern.test(line));

describe('utility server and Redis outages (real processes)', function () {
  this.timeout(90_000);
  let server: ServerProcess | undefined;
  let redis: TestRedis | undefined;
  afterEach(async () => {
    server?.kill();
    await redis?.close();
    redis = undefined;
  });

  it('starts without Redis, fails readiness, says so once, and recovers when Redis appears', async () => {
    const port = await freeLoopbackPort();
    server = await startServerProcess('utility', { REDIS_URL: `redis://127.0.0.1:${port}` });
    assert.equal(await readyStatus(server), 503);
    const client = await connectClient(server.url);
    const during = await client.callTool({ name: 'kv_get', arguments: { key: 'k' } });
    assert.equal(during.isError, true);
    assert.match(resultText(during), /^Redis unavailable/);
    // Reconnect attempts every ≤ 2 s for a while: still one error line.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(logLines(server, /Redis unavailable; readiness fails/).length, 1, server.output());

    redis = await startTestRedis({ port });
    await pollUntil(async () => (await readyStatus(server!)) === 200, 'readiness once Redis is up', 30_000);
    assert.equal(logLines(server, /Redis connection restored/).length, 1);
    await client.callTool({ name: 'kv_set', arguments: { key: 'k', value: 'v' } });
    const after = await client.callTool({ name: 'kv_get', arguments: { key: 'k' } });
    assert.equal((after.structuredContent as { value: string }).value, 'v');

    // An outage: 200 calls, each told "Redis unavailable"; the log gets a handful of lines.
    await redis.close();
    redis = undefined;
    await pollUntil(async () => (await readyStatus(server!)) === 503, 'readiness to fail in the outage', 30_000);
    const linesBefore = server.output().split('\n').length;
    for (let i = 0; i < 200; i += 1) {
      const result = await client.callTool({ name: i % 2 ? 'kv_get' : 'kv_set', arguments: { key: 'k', value: 'v' } });
      assert.equal(result.isError, true);
      assert.match(resultText(result), /^Redis unavailable/);
    }
    const logged = server.output().split('\n').length - linesBefore;
    assert.ok(logged <= 5, `${logged} log lines for 200 failed calls:\n${server.output().split('\n').slice(linesBefore).join('\n')}`);
    await client.close();
  });

  it('starts with a wrong Redis password, fails readiness and names the cause', async () => {
    redis = await startTestRedis({ password: 'right-password' });
    server = await startServerProcess('utility', { REDIS_URL: `redis://:wrong-password@127.0.0.1:${redis.port}` });
    assert.equal(await readyStatus(server), 503);
    await pollUntil(() => logLines(server!, /Redis unavailable/).length > 0, 'the log line');
    const [line] = logLines(server, /Redis unavailable/);
    assert.match(line ?? '', /WRONGPASS/);
    assert.doesNotMatch(server.output(), /wrong-password/, 'the password never reaches the log');
  });
});
