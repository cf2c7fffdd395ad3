// Opens the database a server queries: a mounted SQLite file (read-only at the SQLite level) or
// the built-in sample built in memory. Either way the read-only guard is installed before any
// caller-provided SQL can run.
import { DatabaseSync } from 'node:sqlite';
import { DatabaseError } from './errors.ts';
import { installReadOnlyGuard, type Guard } from './guard.ts';
import { seedSampleDatabase } from './sample.ts';

export type DatabaseSource = { kind: 'sample' } | { kind: 'file'; path: string };

export interface OpenDatabase {
  db: DatabaseSync;
  guard: Guard;
  source: DatabaseSource;
}

export function openDatabase(source: DatabaseSource): OpenDatabase {
  if (source.kind === 'sample') {
    const db = new DatabaseSync(':memory:', { allowExtension: false, enableForeignKeyConstraints: true });
    seedSampleDatabase(db);
    return { db, guard: installReadOnlyGuard(db), source };
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(source.path, { readOnly: true, allowExtension: false, timeout: 2000 });
    // Opening is lazy in SQLite: touch the schema so a missing or non-SQLite file fails here.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(
      `cannot open the SQLite database at DATABASE_PATH=${source.path} (${reason}). Check that the file exists, is a SQLite database, and is readable by the server's user.`,
      'unavailable',
    );
  }
  return { db, guard: installReadOnlyGuard(db), source };
}
