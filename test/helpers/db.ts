import { join } from 'node:path';
import Database from 'better-sqlite3';
import { closeDatabase, type Db, openDatabase } from '../../src/db/client.js';
import { tempDir } from './temp.js';

/** A real SQLite file with the real migrations applied, in a fresh temporary folder. */
export function tempDatabase(): { db: Db; path: string; cleanup: () => void } {
  const t = tempDir('ba-db-');
  const path = join(t.dir, 'audit.db');
  const db = openDatabase(path);
  return {
    db,
    path,
    cleanup: () => {
      closeDatabase(db);
      t.cleanup();
    },
  };
}

/** The rows `sql` returns from `<dir>/audit.db`, opened read-only for this one query. */
export function auditRows<T = unknown>(dir: string, sql: string): T[] {
  const db = new Database(join(dir, 'audit.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
