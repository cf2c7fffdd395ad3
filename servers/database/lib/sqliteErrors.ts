// Translates what node:sqlite throws into DatabaseErrors that say what to fix. The guard's record
// of the last refused action turns SQLite's bare "not authorized" into a precise sentence.
import { DatabaseError } from './errors.ts';
import type { Guard } from './guard.ts';

const SQLITE_AUTH = 23;
const SQLITE_RANGE = 25;
const SQLITE_READONLY = 8;

export function translateSqliteError(error: unknown, guard: Guard): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const errcode = (error as { errcode?: unknown }).errcode;
  const denial = guard.lastDenial();

  if (errcode === SQLITE_AUTH || /not authorized/.test(message)) {
    if (denial?.kind === 'attach') {
      return new DatabaseError(
        `${denial.what} is not allowed: this server queries only its configured database (DATABASE_PATH or the built-in sample). Query the tables listed by list_tables instead.`,
        'attach_refused',
      );
    }
    const what = denial?.what ?? 'the statement';
    if (denial?.kind === 'other') {
      return new DatabaseError(`${what} is not allowed. Send a single SELECT statement.`, 'invalid_request');
    }
    return new DatabaseError(
      `the database is read-only: ${what} is not allowed. Only SELECT statements (and read-only PRAGMAs such as table_info(name) or user_version without a value) can run.`,
      'read_only',
    );
  }
  if (errcode === SQLITE_READONLY || /attempt to write a readonly database/.test(message)) {
    return new DatabaseError(`the database is read-only: ${message}. Only SELECT statements can run.`, 'read_only');
  }
  const noTable = /^no such table: (.+)$/.exec(message);
  if (noTable) {
    return new DatabaseError(`unknown table "${noTable[1]}". Call list_tables to see the tables that exist.`, 'not_found');
  }
  const noColumn = /^no such column: (.+)$/.exec(message);
  if (noColumn) {
    return new DatabaseError(`unknown column "${noColumn[1]}". Call describe_table to see a table's columns.`, 'not_found');
  }
  if (/syntax error|incomplete input|unrecognized token/.test(message)) {
    return new DatabaseError(`SQL syntax error: ${message}. Check the statement (SQLite dialect).`, 'syntax_error');
  }
  if (errcode === SQLITE_RANGE || /named parameter|column index out of range|Provided value cannot be bound/i.test(message)) {
    return new DatabaseError(
      `parameter binding failed: ${message}. Pass params as an array for ? placeholders (one value each) or as an object for :name placeholders.`,
      'parameter_error',
    );
  }
  return new DatabaseError(`SQLite error: ${message}`, 'sqlite_error');
}
