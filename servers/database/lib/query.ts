// Runs one caller-provided statement with bound parameters under two caps: rows
// (min(limit, DATABASE_MAX_ROWS)) and result size as sent (DATABASE_MAX_RESULT_BYTES). Rows
// are pulled one by one, so a huge table costs only what is returned.
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { sentBytes } from '../../kit/toolResult.ts';
import { DatabaseError } from './errors.ts';
import type { OpenDatabase } from './open.ts';
import { translateSqliteError } from './sqliteErrors.ts';
import { toJsonCell, uniqueNames, type JsonCell } from './values.ts';

export type ParamValue = string | number | boolean | null;
export type QueryParams = ParamValue[] | Record<string, ParamValue>;

export interface QueryRequest {
  sql: string;
  params?: QueryParams;
  /** Requested row cap; clamped to maxRows. */
  limit?: number;
}

export interface QueryCaps {
  maxRows: number;
  maxResultBytes: number;
}

export interface QueryResult {
  columns: { name: string; declaredType: string | null }[];
  rows: Record<string, JsonCell>[];
  rowCount: number;
  /** The row cap that applied. */
  limit: number;
  truncated: boolean;
  truncatedReason?: 'row_limit' | 'result_size';
  note?: string;
}

export function runQuery(handle: OpenDatabase, request: QueryRequest, caps: QueryCaps): QueryResult {
  const sql = request.sql.trim();
  if (sql === '') throw new DatabaseError('sql must not be empty; send one SELECT statement.', 'invalid_request');
  const limit = Math.max(1, Math.min(request.limit ?? caps.maxRows, caps.maxRows));

  handle.guard.reset();
  let statement;
  try {
    statement = handle.db.prepare(sql);
  } catch (error) {
    throw translateSqliteError(error, handle.guard);
  }
  if (hasTrailingStatement(sql, statement.sourceSQL)) {
    throw new DatabaseError('only one statement per call is allowed; send the statements as separate query calls.', 'invalid_request');
  }
  statement.setReadBigInts(true);
  statement.setReturnArrays(true);
  const columnInfo = statement.columns();
  const keys = uniqueNames(columnInfo.map((c) => c.name));
  const columns = columnInfo.map((c, i) => ({ name: keys[i] ?? c.name, declaredType: c.type ?? null }));

  const rows: Record<string, JsonCell>[] = [];
  // The cap holds for what is sent: the envelope, and every row as structured content and as text.
  let bytes = sentBytes({ columns, rows: [], rowCount: limit, limit, truncated: true, truncatedReason: 'result_size', note: sizeNote(limit, caps.maxResultBytes) });
  let truncatedReason: QueryResult['truncatedReason'];
  try {
    const iterator = iterateWith(statement, request.params);
    for (let step = iterator.next(); !step.done; step = iterator.next()) {
      if (rows.length === limit) {
        truncatedReason = 'row_limit';
        break;
      }
      const row: Record<string, JsonCell> = {};
      step.value.forEach((value, i) => {
        row[keys[i] ?? `column_${i + 1}`] = toJsonCell(value);
      });
      const rowBytes = sentBytes(row) + 2;
      if (bytes + rowBytes > caps.maxResultBytes) {
        truncatedReason = 'result_size';
        break;
      }
      bytes += rowBytes;
      rows.push(row);
    }
    // Ends the statement early (resets it) when we stopped before the last row.
    iterator.return?.();
  } catch (error) {
    throw translateSqliteError(error, handle.guard);
  }

  const result: QueryResult = { columns, rows, rowCount: rows.length, limit, truncated: truncatedReason !== undefined };
  if (truncatedReason === 'row_limit') {
    result.truncatedReason = truncatedReason;
    result.note = `Only the first ${limit} rows are returned. Narrow the query (WHERE, aggregates) or page with LIMIT/OFFSET.`;
  } else if (truncatedReason === 'result_size') {
    result.truncatedReason = truncatedReason;
    result.note = sizeNote(rows.length, caps.maxResultBytes);
  }
  return result;
}

function sizeNote(rowCount: number, maxResultBytes: number): string {
  return `The result was cut at ${rowCount} rows because it exceeded ${maxResultBytes} bytes as sent (DATABASE_MAX_RESULT_BYTES; rows travel twice, as structured content and as text). Select fewer or shorter columns (e.g. substr(col, 1, 200)) or fewer rows.`;
}

function iterateWith(statement: StatementSync, params: QueryParams | undefined): Iterator<unknown[]> {
  if (params === undefined) return statement.iterate() as Iterator<unknown[]>;
  if (Array.isArray(params)) return statement.iterate(...params.map(toSqlValue)) as Iterator<unknown[]>;
  const named: Record<string, SQLInputValue> = {};
  for (const [name, value] of Object.entries(params)) named[name] = toSqlValue(value);
  return statement.iterate(named) as Iterator<unknown[]>;
}

function toSqlValue(value: ParamValue): SQLInputValue {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/**
 * SQLite compiles only the first statement of a string; sourceSQL is that statement. Anything
 * left besides whitespace, semicolons and comments would silently be ignored, so it is refused.
 * This is a usability check — the unexecuted tail can never write anything.
 */
export function hasTrailingStatement(sql: string, compiled: string): boolean {
  if (!sql.startsWith(compiled)) return false;
  const tail = sql
    .slice(compiled.length)
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
    .replace(/[\s;]+/g, '');
  return tail.length > 0;
}
