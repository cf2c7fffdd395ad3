// Statements the read-only guard must refuse, shared by the lib and the over-HTTP tests.

/** Statements that must never change anything, with the refusal they get. */
export const WRITE_ATTEMPTS: [sql: string, code: string, pattern: RegExp][] = [
  ["INSERT INTO users (id, name, email, role, department, created_at) VALUES (99, 'x', 'x@x', 'admin', 'x', 'now')", 'read_only', /the database is read-only: INSERT on table "users"/],
  ["UPDATE users SET name = 'x' WHERE id = 1", 'read_only', /the database is read-only: UPDATE on table "users"/],
  ['DELETE FROM projects', 'read_only', /the database is read-only: DELETE on table "projects"/],
  ['CREATE TABLE evil (x)', 'read_only', /the database is read-only: changing the schema \(CREATE, DROP, ALTER\) is not allowed/],
  ['CREATE TEMP TABLE evil (x)', 'read_only', /the database is read-only: changing the schema/],
  ['DROP TABLE users', 'read_only', /the database is read-only: changing the schema/],
  ['ALTER TABLE users ADD COLUMN x TEXT', 'read_only', /the database is read-only: ALTER TABLE "users" is not allowed/],
  ['CREATE INDEX i ON users(name)', 'read_only', /the database is read-only: changing the schema/],
  ['PRAGMA user_version = 5', 'read_only', /the database is read-only: PRAGMA user_version = 5/],
  ['PRAGMA query_only = OFF', 'read_only', /the database is read-only: PRAGMA query_only = OFF/],
  ['PRAGMA journal_mode = DELETE', 'read_only', /the database is read-only: PRAGMA journal_mode = DELETE/],
  ["ATTACH DATABASE '/tmp/x' AS x", 'attach_refused', /ATTACH DATABASE is not allowed: this server queries only its configured database/],
  ['DETACH DATABASE main', 'attach_refused', /DETACH DATABASE is not allowed/],
  ['BEGIN IMMEDIATE', 'invalid_request', /transaction control .* is not allowed/],
  ['VACUUM', 'read_only', /the database is read-only: VACUUM/],
  ["REPLACE INTO users (id, name, email, role, department, created_at) VALUES (1, 'x', 'x@x', 'admin', 'x', 'now')", 'read_only', /INSERT on table "users"/],
  ["WITH x AS (SELECT 1) INSERT INTO projects (name, owner_id, status) SELECT 'p', 1, 'planned' FROM x", 'read_only', /INSERT on table "projects"/],
];
