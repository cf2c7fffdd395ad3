// Read-only enforcement by SQLite itself, never by looking at the SQL text: an authorizer that
// SQLite consults for every action while compiling a statement allows reads only, plus
// `PRAGMA query_only` and defensive mode as further layers. File databases are also opened with
// readOnly: true (see open.ts). The authorizer remembers what it denied so the error can say it.
import { constants, type DatabaseSync } from 'node:sqlite';

/** Introspection pragmas; allowed with no argument or a table/index name as argument. */
const INTROSPECTION_PRAGMAS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
]);

/** Pragmas that only report a value; allowed only without an argument (an argument would set it). */
const REPORTING_PRAGMAS = new Set([
  'user_version',
  'schema_version',
  'application_id',
  'encoding',
  'page_size',
  'page_count',
  'freelist_count',
  'collation_list',
  'function_list',
  'compile_options',
  'foreign_keys',
  'query_only',
]);

export interface Denial {
  action: string;
  /** Sentence fragment naming what was refused, e.g. `INSERT into table "users"`. */
  what: string;
  kind: 'write' | 'attach' | 'other';
}

export interface Guard {
  /** The first refusal while compiling the current statement, cleared by reset() before each statement is compiled. */
  lastDenial(): Denial | undefined;
  reset(): void;
}

const ACTION_NAMES = new Map<number, string>(
  Object.entries(constants)
    .filter(([name]) => name.startsWith('SQLITE_') && !name.startsWith('SQLITE_CHANGESET'))
    .map(([name, value]) => [value, name.slice('SQLITE_'.length)]),
);

export function installReadOnlyGuard(db: DatabaseSync): Guard {
  db.exec('PRAGMA query_only = ON');
  db.enableDefensive(true);
  let denial: Denial | undefined;

  db.setAuthorizer((action, arg1, arg2) => {
    const verdict = judge(action, arg1, arg2);
    if (verdict === undefined) return constants.SQLITE_OK;
    denial ??= verdict;
    return constants.SQLITE_DENY;
  });

  return {
    lastDenial: () => denial,
    reset: () => {
      denial = undefined;
    },
  };
}

const SCHEMA_TABLES = new Set(['sqlite_master', 'sqlite_temp_master', 'sqlite_schema', 'sqlite_temp_schema']);

/** undefined = allowed; otherwise what was refused. */
function judge(action: number, arg1: string | null, arg2: string | null): Denial | undefined {
  switch (action) {
    case constants.SQLITE_SELECT:
    case constants.SQLITE_READ:
    case constants.SQLITE_RECURSIVE:
      return undefined;
    case constants.SQLITE_FUNCTION:
      // load_extension is also disabled at open; refusing it here keeps the guard self-contained.
      return arg2 === 'load_extension' ? { action: 'FUNCTION', what: 'calling load_extension()', kind: 'other' } : undefined;
    case constants.SQLITE_PRAGMA: {
      const name = (arg1 ?? '').toLowerCase();
      if (INTROSPECTION_PRAGMAS.has(name)) return undefined;
      if (REPORTING_PRAGMAS.has(name) && arg2 === null) return undefined;
      const what = arg2 === null ? `PRAGMA ${name}` : `PRAGMA ${name} = ${arg2}`;
      return { action: 'PRAGMA', what, kind: 'write' };
    }
    case constants.SQLITE_ATTACH:
      // VACUUM attaches an unnamed temporary database while it rewrites the file.
      if (arg1 === '') return { action: 'VACUUM', what: 'VACUUM (or ATTACH of a temporary database)', kind: 'write' };
      return { action: 'ATTACH', what: 'ATTACH DATABASE', kind: 'attach' };
    case constants.SQLITE_DETACH:
      return { action: ACTION_NAMES.get(action) ?? 'ATTACH', what: `${ACTION_NAMES.get(action)} DATABASE`, kind: 'attach' };
    case constants.SQLITE_INSERT:
    case constants.SQLITE_UPDATE:
    case constants.SQLITE_DELETE:
      // DDL is compiled as a write to the schema table, and SQLite stops at the first refusal,
      // so CREATE/DROP/ALTER surface here rather than as their own action codes.
      if (arg1 !== null && SCHEMA_TABLES.has(arg1.toLowerCase())) {
        return { action: 'SCHEMA', what: 'changing the schema (CREATE, DROP, ALTER)', kind: 'write' };
      }
      return { action: ACTION_NAMES.get(action) ?? 'WRITE', what: `${ACTION_NAMES.get(action)} on table "${arg1 ?? '?'}"`, kind: 'write' };
    case constants.SQLITE_ALTER_TABLE:
      return { action: 'ALTER TABLE', what: `ALTER TABLE "${arg2 ?? '?'}"`, kind: 'write' };
    case constants.SQLITE_TRANSACTION:
    case constants.SQLITE_SAVEPOINT:
      return { action: ACTION_NAMES.get(action) ?? 'TRANSACTION', what: 'transaction control (each query runs on its own)', kind: 'other' };
    default: {
      const name = (ACTION_NAMES.get(action) ?? `action ${action}`).replaceAll('_', ' ');
      const target = arg1 ? ` "${arg1}"` : '';
      return { action: name, what: `${name}${target}`, kind: 'write' };
    }
  }
}
