// The database server's tools called directly (schema parse + handler, fake context) through
// the real query process: results, ToolError codes, cancellation, readiness and shutdown.
import assert from 'node:assert/strict';
import { ToolError, type ToolContext, type ToolDefinition } from '../../kit/tool.ts';
import { parseDatabaseConfig } from '../config.ts';
import { createServer } from '../server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous tools
type AnyTool = ToolDefinition<any, any>;

describe('database server (direct tool calls)', function () {
  this.timeout(30000);
  const server = createServer({ config: parseDatabaseConfig({ TOOL_TIMEOUT: '20' }) });
  const tool = (name: string): AnyTool => {
    const found = server.tools.find((t) => t.name === name);
    assert.ok(found, name);
    return found;
  };
  const context = (signal = new AbortController().signal): ToolContext => ({ signal, requestId: 'test' });
  after(async () => {
    await server.close?.();
  });

  it('is ready and answers every tool', async () => {
    await server.checkReady?.();
    const tables = await tool('list_tables').handler({}, context());
    tool('list_tables').outputSchema.parse(tables);
    const described = await tool('describe_table').handler(tool('describe_table').inputSchema.parse({ table: 'projects' }), context());
    assert.equal((described as { rowCount: number }).rowCount, 8);
    const rows = await tool('query').handler(tool('query').inputSchema.parse({ sql: 'SELECT count(*) AS n FROM users WHERE active = ?', params: [1] }), context());
    assert.deepEqual((rows as { rows: unknown[] }).rows, [{ n: 9 }]);
  });

  it('maps refusals to ToolErrors with codes', async () => {
    await assert.rejects(tool('query').handler({ sql: 'DELETE FROM users' }, context()), (error: unknown) => {
      assert.ok(error instanceof ToolError);
      assert.equal(error.code, 'read_only');
      return true;
    });
    await assert.rejects(tool('describe_table').handler({ table: 'ghosts' }, context()), (error: unknown) => error instanceof ToolError && error.code === 'not_found');
  });

  it('stops a query when the call is cancelled, then recovers', async () => {
    const controller = new AbortController();
    const runaway = tool('query').handler(
      { sql: 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n' },
      context(controller.signal),
    );
    // The outcome does not depend on timing: aborting kills the query process whether it is
    // already inside the statement or has not received it yet. The pause only makes the former likely.
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    await assert.rejects(runaway, (error: unknown) => error instanceof ToolError && error.code === 'cancelled' && /stopped/.test(error.message));
    const rows = await tool('query').handler({ sql: 'SELECT 1 AS one' }, context());
    assert.deepEqual((rows as { rows: unknown[] }).rows, [{ one: 1 }]);
  });

  it('refuses calls after close', async () => {
    const closing = createServer({ config: parseDatabaseConfig({}) });
    await closing.checkReady?.();
    await closing.close?.();
    await assert.rejects(closing.tools[0]!.handler({}, context()), /shutting down/);
  });
});
