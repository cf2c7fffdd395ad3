// The database lib in-process: sample data, introspection, parameter binding, caps, and the
// read-only guard refusing every kind of write — on the sample and on a mounted file.
import assert from 'node:assert/strict';
import { sentBytes } from '../../kit/toolResult.ts';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DatabaseError } from '../lib/errors.ts';
import { createOperations, type Operations } from '../lib/operations.ts';
import { hasTrailingStatement, type QueryResult } from '../lib/query.ts';
import type { TableDescription, TableSummary } from '../lib/catalog.ts';
import { SAMPLE_PROJECTS, SAMPLE_USERS } from '../lib/sample.ts';
import { WRITE_ATTEMPTS } from './writeAttempts.ts';

const caps = { maxRows: 1000, maxResultBytes: 1_048_576 };

function query(ops: Operations, sql: string, params?: QueryResult extends never ? never : unknown, limit?: number): QueryResult {
  return ops.run({ op: 'query', request: { sql, params: params as never, limit } }) as QueryResult;
}

function refused(work: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof DatabaseError, `expected DatabaseError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}


describe('database lib', function () {
  this.timeout(20000);

  describe('on the built-in sample', () => {
    let ops: Operations;
    before(() => {
      ops = createOperations({ source: { kind: 'sample' }, caps });
    });
    after(() => ops.close());

    it('lists users and projects with their columns', () => {
      const tables = ops.run({ op: 'listTables' }) as TableSummary[];
      assert.deepEqual(tables.map((t) => [t.name, t.type]), [
        ['projects', 'table'],
        ['users', 'table'],
      ]);
      assert.deepEqual(tables[1]?.columns, ['id', 'name', 'email', 'role', 'department', 'active', 'created_at']);
    });

    it('describes a table: columns, keys, indexes, foreign keys, row count', () => {
      const projects = ops.run({ op: 'describeTable', table: 'PROJECTS' }) as TableDescription;
      assert.equal(projects.name, 'projects');
      assert.equal(projects.rowCount, SAMPLE_PROJECTS.length);
      assert.deepEqual(projects.columns[0], { name: 'id', type: 'INTEGER', notNull: false, defaultValue: null, primaryKey: 1 });
      assert.deepEqual(projects.foreignKeys, [{ column: 'owner_id', references: { table: 'users', column: 'id' } }]);
      assert.ok(projects.indexes.some((i) => i.name === 'projects_owner' && i.columns[0] === 'owner_id' && !i.unique));
      assert.ok(projects.indexes.some((i) => i.unique && i.columns[0] === 'name'));
      assert.match(projects.sql ?? '', /^CREATE TABLE projects/);
      const users = ops.run({ op: 'describeTable', table: 'users' }) as TableDescription;
      assert.equal(users.rowCount, SAMPLE_USERS.length);
      assert.deepEqual(users.columns.find((c) => c.name === 'active'), { name: 'active', type: 'INTEGER', notNull: true, defaultValue: '1', primaryKey: 0 });
    });

    it('refuses an unknown table in describe', () => {
      refused(() => ops.run({ op: 'describeTable', table: 'nope' }), 'not_found', /unknown table "nope". Call list_tables/);
    });

    it('returns deterministic sample rows', () => {
      const result = query(ops, 'SELECT id, name, email FROM users ORDER BY id LIMIT 2');
      assert.deepEqual(result.rows, [
        { id: 1, name: 'Alice Johnson', email: 'alice@example.com' },
        { id: 2, name: 'Bob Smith', email: 'bob@example.com' },
      ]);
      assert.deepEqual(result.columns, [
        { name: 'id', declaredType: 'INTEGER' },
        { name: 'name', declaredType: 'TEXT' },
        { name: 'email', declaredType: 'TEXT' },
      ]);
      assert.equal(result.truncated, false);
    });

    it('binds positional and named parameters', () => {
      assert.deepEqual(query(ops, 'SELECT name FROM users WHERE department = ? AND active = ? ORDER BY id', ['Data', true]).rows, [
        { name: 'Carol Diaz' },
        { name: 'Dan Okafor' },
        { name: 'Hiro Tanaka' },
      ]);
      assert.deepEqual(query(ops, 'SELECT name FROM projects WHERE status = :status AND budget > @min ORDER BY id', { status: 'active', min: 100000 }).rows, [
        { name: 'Kubernetes migration' },
        { name: 'Data lake' },
      ]);
      assert.deepEqual(query(ops, 'SELECT count(*) AS n FROM projects WHERE owner_id = $owner', { $owner: 1 }).rows, [{ n: 1 }]);
      // A bound value is data, never SQL.
      assert.deepEqual(query(ops, 'SELECT count(*) AS n FROM users WHERE name = ?', ["x' OR '1'='1"]).rows, [{ n: 0 }]);
    });

    it('explains parameter mistakes', () => {
      refused(() => query(ops, 'SELECT * FROM users WHERE id = ?', [1, 2]), 'parameter_error', /parameter binding failed: column index out of range/);
      refused(() => query(ops, 'SELECT * FROM users WHERE id = :id', { ident: 1 }), 'parameter_error', /Unknown named parameter 'ident'/);
    });

    it('caps rows by limit and by DATABASE_MAX_ROWS', () => {
      const limited = query(ops, 'SELECT id FROM users ORDER BY id', undefined, 3);
      assert.deepEqual(limited.rows.map((r) => r.id), [1, 2, 3]);
      assert.equal(limited.truncated, true);
      assert.equal(limited.truncatedReason, 'row_limit');
      assert.match(limited.note ?? '', /first 3 rows/);
      const exact = query(ops, 'SELECT id FROM users', undefined, 10);
      assert.equal(exact.truncated, false, 'exactly limit rows is not truncation');
      const small = createOperations({ source: { kind: 'sample' }, caps: { maxRows: 4, maxResultBytes: 1_048_576 } });
      try {
        const capped = small.run({ op: 'query', request: { sql: 'SELECT id FROM users', limit: 500 } }) as QueryResult;
        assert.equal(capped.rowCount, 4);
        assert.equal(capped.limit, 4);
      } finally {
        small.close();
      }
    });

    it('stops an unbounded recursive CTE at the row cap', () => {
      const result = query(ops, 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n', undefined, 5);
      assert.deepEqual(result.rows.map((r) => r.x), [1, 2, 3, 4, 5]);
      assert.equal(result.truncated, true);
    });

    it('caps the result size', () => {
      const small = createOperations({ source: { kind: 'sample' }, caps: { maxRows: 1000, maxResultBytes: 4096 } });
      try {
        const result = small.run({ op: 'query', request: { sql: "SELECT id, printf('%.200c', '\"') AS pad FROM users" } }) as QueryResult;
        assert.ok(result.rowCount > 0 && result.rowCount < 10, `rowCount ${result.rowCount}`);
        // The cap holds for what is sent: rows as structured content and again as escaped text.
        assert.ok(sentBytes(result) <= 4096, `sent ${sentBytes(result)} bytes`);
        assert.equal(result.truncatedReason, 'result_size');
        assert.match(result.note ?? '', /DATABASE_MAX_RESULT_BYTES/);
      } finally {
        small.close();
      }
    });

    it('converts big integers, blobs and duplicate column names', () => {
      const result = query(ops, "SELECT 9007199254740993 AS big, 42 AS small, x'00ff' AS data, u.id, p.id FROM users u JOIN projects p ON p.owner_id = u.id WHERE u.id = 1");
      assert.deepEqual(result.rows[0], { big: '9007199254740993', small: 42, data: { blobBase64: 'AP8=', bytes: 2 }, id: 1, id_2: 1 });
    });

    it('allows read-only PRAGMAs', () => {
      assert.equal(query(ops, 'PRAGMA table_info(users)').rowCount, 7);
      assert.deepEqual(query(ops, 'PRAGMA user_version').rows, [{ user_version: 0 }]);
      assert.equal(query(ops, "SELECT name FROM pragma_index_list('projects') ORDER BY name").rowCount, 3);
    });

    it('explains syntax errors, unknown tables and columns', () => {
      refused(() => query(ops, 'SELEC * FROM users'), 'syntax_error', /SQL syntax error: near "SELEC": syntax error/);
      refused(() => query(ops, 'SELECT * FROM'), 'syntax_error', /SQL syntax error/);
      refused(() => query(ops, 'SELECT * FROM customers'), 'not_found', /unknown table "customers"/);
      refused(() => query(ops, 'SELECT salary FROM users'), 'not_found', /unknown column "salary". Call describe_table/);
      refused(() => query(ops, '   '), 'invalid_request', /sql must not be empty/);
    });

    it('refuses a second statement instead of silently ignoring it', () => {
      refused(() => query(ops, 'SELECT 1; DELETE FROM users'), 'invalid_request', /only one statement per call/);
      assert.equal(query(ops, 'SELECT 1 AS one; -- trailing comment\n').rowCount, 1);
      assert.equal(hasTrailingStatement('SELECT 1; /* c */ ;', 'SELECT 1;'), false);
      assert.equal(hasTrailingStatement('SELECT 1; SELECT 2', 'SELECT 1;'), true);
    });

    for (const [sql, code, pattern] of WRITE_ATTEMPTS) {
      it(`refuses: ${sql.slice(0, 60)}`, () => {
        refused(() => query(ops, sql), code, pattern);
      });
    }

    it('is unchanged after every write attempt', () => {
      assert.deepEqual(query(ops, 'SELECT count(*) AS n FROM users').rows, [{ n: SAMPLE_USERS.length }]);
      assert.deepEqual(query(ops, "SELECT name FROM users WHERE id = 1").rows, [{ name: 'Alice Johnson' }]);
      assert.deepEqual(query(ops, 'PRAGMA user_version').rows, [{ user_version: 0 }]);
      assert.deepEqual(query(ops, 'PRAGMA query_only').rows, [{ query_only: 1 }]);
      assert.equal((ops.run({ op: 'listTables' }) as TableSummary[]).length, 2);
    });
  });

  describe('on a mounted file', () => {
    let dir: string;
    let file: string;
    let ops: Operations;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'mcpfleet-db-'));
      file = join(dir, 'shop.db');
      const setup = new DatabaseSync(file);
      setup.exec("CREATE TABLE items (sku TEXT PRIMARY KEY, price REAL); INSERT INTO items VALUES ('a-1', 9.5), ('b-2', 20); CREATE VIEW cheap AS SELECT * FROM items WHERE price < 10; PRAGMA user_version = 7;");
      setup.close();
      ops = createOperations({ source: { kind: 'file', path: file }, caps });
    });
    after(() => {
      ops.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('queries it, views included', () => {
      const tables = ops.run({ op: 'listTables' }) as TableSummary[];
      assert.deepEqual(tables.map((t) => `${t.type}:${t.name}`), ['view:cheap', 'table:items']);
      assert.deepEqual(query(ops, 'SELECT sku FROM cheap').rows, [{ sku: 'a-1' }]);
      assert.equal((ops.run({ op: 'describeTable', table: 'cheap' }) as TableDescription).type, 'view');
    });

    it('refuses writes and leaves the file byte-identical', () => {
      const before = readFileSync(file);
      const mtime = statSync(file).mtimeMs;
      for (const [sql, code, pattern] of [
        ["INSERT INTO items VALUES ('c', 1)", 'read_only', /INSERT on table "items"/],
        ['PRAGMA user_version = 5', 'read_only', /PRAGMA user_version = 5/],
        [`ATTACH DATABASE '${join(dir, 'other.db')}' AS x`, 'attach_refused', /ATTACH DATABASE is not allowed/],
        ['DROP VIEW cheap', 'read_only', /changing the schema/],
      ] as const) {
        refused(() => query(ops, sql), code, pattern);
      }
      assert.deepEqual(query(ops, 'PRAGMA user_version').rows, [{ user_version: 7 }]);
      assert.deepEqual(readFileSync(file), before);
      assert.equal(statSync(file).mtimeMs, mtime);
      assert.throws(() => statSync(join(dir, 'other.db')), /ENOENT/);
    });

    it('reports a missing file with the setting to fix', () => {
      const missing = createOperations({ source: { kind: 'file', path: join(dir, 'absent.db') }, caps });
      refused(() => missing.run({ op: 'ping' }), 'unavailable', /cannot open the SQLite database at DATABASE_PATH=.*absent\.db/);
      assert.throws(() => statSync(join(dir, 'absent.db')), /ENOENT/, 'a read-only open must not create the file');
    });
  });
});
