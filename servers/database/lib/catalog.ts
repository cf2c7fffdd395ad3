// Schema introspection through the same guarded connection (all reads): tables and views with
// their columns, and one table's columns, keys, indexes and row count.
import { DatabaseError } from './errors.ts';
import type { OpenDatabase } from './open.ts';
import { translateSqliteError } from './sqliteErrors.ts';
import { toJsonCell } from './values.ts';

export interface TableSummary {
  name: string;
  type: 'table' | 'view';
  columns: string[];
}

export interface ColumnDescription {
  name: string;
  type: string;
  notNull: boolean;
  defaultValue: string | null;
  /** 1-based position in the primary key, 0 when not part of it. */
  primaryKey: number;
}

export interface TableDescription {
  name: string;
  type: 'table' | 'view';
  sql: string | null;
  rowCount: number;
  columns: ColumnDescription[];
  indexes: { name: string; unique: boolean; columns: string[] }[];
  foreignKeys: { column: string; references: { table: string; column: string | null } }[];
}

type Row = Record<string, unknown>;

function all(handle: OpenDatabase, sql: string, ...params: string[]): Row[] {
  handle.guard.reset();
  try {
    return handle.db.prepare(sql).all(...params) as Row[];
  } catch (error) {
    throw translateSqliteError(error, handle.guard);
  }
}

export function listTables(handle: OpenDatabase): TableSummary[] {
  const objects = all(
    handle,
    "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  return objects.map((object) => {
    const name = String(object.name);
    return {
      name,
      type: object.type === 'view' ? 'view' : 'table',
      columns: all(handle, 'SELECT name FROM pragma_table_info(?)', name).map((c) => String(c.name)),
    };
  });
}

export function describeTable(handle: OpenDatabase, table: string): TableDescription {
  const found = all(
    handle,
    "SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE",
    table,
  )[0];
  if (!found) {
    throw new DatabaseError(`unknown table "${table}". Call list_tables to see the tables that exist.`, 'not_found');
  }
  const name = String(found.name);
  const columns = all(handle, 'SELECT name, type, "notnull" AS nn, dflt_value, pk FROM pragma_table_info(?)', name).map(
    (c): ColumnDescription => ({
      name: String(c.name),
      type: String(c.type ?? ''),
      notNull: Number(c.nn) === 1,
      defaultValue: c.dflt_value === null ? null : String(c.dflt_value),
      primaryKey: Number(c.pk),
    }),
  );
  const indexes = all(handle, 'SELECT name, "unique" AS u FROM pragma_index_list(?) ORDER BY name', name).map((index) => ({
    name: String(index.name),
    unique: Number(index.u) === 1,
    columns: all(handle, 'SELECT name FROM pragma_index_info(?) ORDER BY seqno', String(index.name)).map((c) => String(c.name)),
  }));
  const foreignKeys = all(handle, 'SELECT "from" AS col, "table" AS tbl, "to" AS target FROM pragma_foreign_key_list(?) ORDER BY id, seq', name).map(
    (fk) => ({
      column: String(fk.col),
      references: { table: String(fk.tbl), column: fk.target === null ? null : String(fk.target) },
    }),
  );
  const quoted = `"${name.replaceAll('"', '""')}"`;
  const count = all(handle, `SELECT count(*) AS n FROM ${quoted}`)[0];
  return {
    name,
    type: found.type === 'view' ? 'view' : 'table',
    sql: found.sql === null ? null : String(found.sql),
    rowCount: Number(toJsonCell(count?.n) ?? 0),
    columns,
    indexes,
    foreignKeys,
  };
}
