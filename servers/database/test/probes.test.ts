// Attacker probes of the database server on the real kit, each bounded in time: a runaway
// recursive CTE stopped at its deadline while other clients query concurrently (none of them may
// fail), and queries that try to take the pod's memory (a huge randomblob, a doubling string).
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, resultText, startTestServer, type TestServer } from '../../kit/testing.ts';
import { parseDatabaseConfig } from '../config.ts';
import { createServer } from '../server.ts';

const RUNAWAY = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r';
const DOUBLING = "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r WHERE length(s) < 1000000000) SELECT max(length(s)) AS n FROM r";

interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

describe('database probes', function () {
  this.timeout(120_000);
  let server: TestServer;
  const clients: Client[] = [];
  const client = async () => {
    const connected = await connectClient(server.url);
    clients.push(connected);
    return connected;
  };
  const query = async (sql: string) => (await (await client()).callTool({ name: 'query', arguments: { sql } })) as ToolResult;

  before(async () => {
    // The kit's TOOL_TIMEOUT is longer than the database deadline, so the query process's own
    // deadline is what stops the runaway (the kit's timer would also stop it, the same way).
    server = await startTestServer(createServer({ config: parseDatabaseConfig({ TOOL_TIMEOUT: '3', DATABASE_QUERY_PROCESSES: '2' }) }), { TOOL_TIMEOUT: '30' });
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
  });

  it('stops a runaway query without failing any concurrent caller (8 clients × 10 queries)', async () => {
    const runaway = query(RUNAWAY);
    const startedAt = Date.now();
    const failures: string[] = [];
    let served = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        const mine = await client();
        // Keep querying until the runaway has been stopped (and a little after), at most 10 each.
        for (let i = 0; i < 10 && Date.now() - startedAt < 20_000; i += 1) {
          const result = (await mine.callTool({ name: 'query', arguments: { sql: 'SELECT count(*) AS n FROM users WHERE id > ?', params: [n] } })) as ToolResult;
          if (result.isError) failures.push(resultText(result));
          else served += 1;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      }),
    );
    const stopped = await runaway;
    assert.equal(stopped.isError, true);
    assert.match(resultText(stopped), /ran longer than 3 s and was stopped/);
    assert.deepEqual(failures, [], `concurrent queries failed (${served} served)`);
    assert.equal(served, 80);
  });

  for (const [what, sql] of [
    ['a 500 MB randomblob', 'SELECT length(randomblob(500000000)) AS n'],
    ['a string doubled towards 1 GB', DOUBLING],
  ] as const) {
    it(`stops ${what} at the memory cap, and the next query works`, async () => {
      const result = await query(sql);
      assert.equal(result.isError, true, `the query succeeded: ${JSON.stringify(result.structuredContent)}`);
      assert.match(resultText(result), /needed more than 128 MiB of memory \(DATABASE_MAX_QUERY_MEMORY_BYTES\)/);
      const after = await query('SELECT count(*) AS n FROM users');
      assert.equal(after.isError, undefined, resultText(after));
    });
  }
});
