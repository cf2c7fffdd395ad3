// The database server on the real kit over HTTP, called by the real MCP client in both protocol
// revisions: every tool, every refusal (writes, PRAGMA writes, ATTACH), caps, and a runaway
// query being stopped without freezing the server.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, resultText, startTestServer, TEST_PROTOCOLS, type TestServer } from '../../kit/testing.ts';
import { parseDatabaseConfig } from '../config.ts';
import { createServer } from '../server.ts';
import { WRITE_ATTEMPTS } from './writeAttempts.ts';

interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

describe('database server over MCP HTTP', function () {
  this.timeout(60000);
  let sample: TestServer;
  let mounted: TestServer;
  let dir: string;
  let file: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpfleet-dbhttp-'));
    file = join(dir, 'inventory.db');
    const setup = new DatabaseSync(file);
    setup.exec("CREATE TABLE parts (id INTEGER PRIMARY KEY, label TEXT); INSERT INTO parts (label) VALUES ('bolt'), ('nut'), ('gear');");
    setup.close();
    sample = await startTestServer(createServer({ config: parseDatabaseConfig({ DATABASE_MAX_ROWS: '5', TOOL_TIMEOUT: '2' }) }));
    mounted = await startTestServer(createServer({ config: parseDatabaseConfig({ DATABASE_PATH: file }) }));
  });
  after(async () => {
    await Promise.all([sample?.close(), mounted?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const protocol of TEST_PROTOCOLS) {
    describe(`${protocol} protocol`, () => {
      const clients: Client[] = [];
      afterEach(async () => {
        await Promise.all(clients.splice(0).map((c) => c.close()));
      });
      const call = async (server: TestServer, name: string, args: Record<string, unknown>): Promise<ToolResult> => {
        const client = await connectClient(server.url, { protocol });
        clients.push(client);
        return (await client.callTool({ name, arguments: args })) as ToolResult;
      };
      const expectToolError = async (server: TestServer, name: string, args: Record<string, unknown>, pattern: RegExp) => {
        const result = await call(server, name, args);
        assert.equal(result.isError, true, `expected a tool error, got ${JSON.stringify(result)}`);
        assert.match(resultText(result), pattern);
      };

      it('lists the tools, all read-only', async () => {
        const client = await connectClient(sample.url, { protocol });
        clients.push(client);
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), ['describe_table', 'list_tables', 'query']);
        for (const tool of tools) {
          assert.equal(tool.annotations?.readOnlyHint, true);
          assert.equal(tool.annotations?.destructiveHint, false);
          assert.ok(tool.outputSchema);
        }
      });

      it('list_tables and describe_table on the sample', async () => {
        const tables = await call(sample, 'list_tables', {});
        assert.deepEqual((tables.structuredContent?.tables as { name: string }[]).map((t) => t.name), ['projects', 'users']);
        const users = await call(sample, 'describe_table', { table: 'users' });
        assert.equal(users.structuredContent?.rowCount, 10);
        assert.deepEqual(JSON.parse(resultText(users)), users.structuredContent);
        await expectToolError(sample, 'describe_table', { table: 'payroll' }, /unknown table "payroll". Call list_tables/);
      });

      it('query with positional and named params, capped by DATABASE_MAX_ROWS', async () => {
        const positional = await call(sample, 'query', { sql: 'SELECT name FROM users WHERE role = ? ORDER BY id', params: ['manager'] });
        assert.deepEqual(positional.structuredContent?.rows, [{ name: 'Eve Müller' }, { name: 'Ines Costa' }]);
        const named = await call(sample, 'query', {
          sql: 'SELECT p.name AS project, u.name AS owner FROM projects p JOIN users u ON u.id = p.owner_id WHERE p.status = :status ORDER BY p.id',
          params: { status: 'completed' },
        });
        assert.deepEqual(named.structuredContent?.rows, [
          { project: 'Customer dashboard', owner: 'Eve Müller' },
          { project: 'Design system', owner: 'Grace Kim' },
        ]);
        const capped = await call(sample, 'query', { sql: 'SELECT id FROM users', limit: 50 });
        assert.equal(capped.structuredContent?.rowCount, 5);
        assert.equal(capped.structuredContent?.truncated, true);
        const limited = await call(sample, 'query', { sql: 'SELECT id FROM users', limit: 2 });
        assert.equal(limited.structuredContent?.rowCount, 2);
      });

      it('explains syntax errors, unknown tables and bad params', async () => {
        await expectToolError(sample, 'query', { sql: 'SELEKT 1' }, /SQL syntax error/);
        await expectToolError(sample, 'query', { sql: 'SELECT * FROM invoices' }, /unknown table "invoices"/);
        await expectToolError(sample, 'query', { sql: 'SELECT ? AS a', params: [1, 2] }, /parameter binding failed/);
        await expectToolError(sample, 'query', { sql: 'SELECT 1', limit: 0 }, /limit must be at least 1/);
      });

      for (const [sql, , pattern] of WRITE_ATTEMPTS) {
        it(`refuses over HTTP: ${sql.slice(0, 50)}`, async () => {
          await expectToolError(sample, 'query', { sql }, pattern);
        });
      }

      it('keeps the sample unchanged', async () => {
        const counts = await call(sample, 'query', { sql: 'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM projects) AS projects' });
        assert.deepEqual(counts.structuredContent?.rows, [{ users: 10, projects: 8 }]);
      });

      it('queries a mounted file and refuses to change it', async () => {
        const before = readFileSync(file);
        const rows = await call(mounted, 'query', { sql: 'SELECT label FROM parts ORDER BY id' });
        assert.deepEqual(rows.structuredContent?.rows, [{ label: 'bolt' }, { label: 'nut' }, { label: 'gear' }]);
        await expectToolError(mounted, 'query', { sql: "UPDATE parts SET label = 'x'" }, /the database is read-only: UPDATE on table "parts"/);
        await expectToolError(mounted, 'query', { sql: 'PRAGMA user_version = 5' }, /the database is read-only: PRAGMA user_version = 5/);
        await expectToolError(mounted, 'query', { sql: "ATTACH DATABASE '/tmp/x' AS x" }, /ATTACH DATABASE is not allowed/);
        assert.deepEqual(readFileSync(file), before);
      });

      it('stops a runaway query and keeps serving', async () => {
        await expectToolError(
          sample,
          'query',
          { sql: 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n' },
          /the query ran longer than 2 s and was stopped/,
        );
        const after = await call(sample, 'query', { sql: 'SELECT count(*) AS n FROM users' });
        assert.deepEqual(after.structuredContent?.rows, [{ n: 10 }]);
      });
    });
  }

  it('reports readiness from the database', async () => {
    assert.equal((await fetch(`${mounted.baseUrl}/readyz`)).status, 200);
    const broken = await startTestServer(createServer({ config: parseDatabaseConfig({ DATABASE_PATH: join(dir, 'missing.db') }) }));
    try {
      assert.equal((await fetch(`${broken.baseUrl}/readyz`)).status, 503);
    } finally {
      await broken.close();
    }
  });
});
