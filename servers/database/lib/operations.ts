// The database operations by name, over one lazily opened guarded connection. Used inside the
// query process (queryProcessMain.ts) and directly by unit tests.
import { describeTable, listTables } from './catalog.ts';
import { DatabaseError } from './errors.ts';
import { openDatabase, type DatabaseSource, type OpenDatabase } from './open.ts';
import { runQuery, type QueryCaps, type QueryRequest } from './query.ts';

export type Operation =
  | { op: 'ping' }
  | { op: 'listTables' }
  | { op: 'describeTable'; table: string }
  | { op: 'query'; request: QueryRequest };

export interface OperationSettings {
  source: DatabaseSource;
  caps: QueryCaps;
}

export interface Operations {
  run(operation: Operation): unknown;
  close(): void;
}

export function createOperations(settings: OperationSettings): Operations {
  let handle: OpenDatabase | undefined;
  // A failed open is retried on the next call: the file may be mounted later.
  const database = (): OpenDatabase => (handle ??= openDatabase(settings.source));

  return {
    run(operation) {
      switch (operation.op) {
        case 'ping':
          database().db.prepare('SELECT 1').get();
          return { ok: true };
        case 'listTables':
          return listTables(database());
        case 'describeTable':
          return describeTable(database(), operation.table);
        case 'query':
          return runQuery(database(), operation.request, settings.caps);
        default:
          throw new DatabaseError(`unknown operation ${JSON.stringify(operation)}`, 'invalid_request');
      }
    },
    close() {
      handle?.db.close();
      handle = undefined;
    },
  };
}
