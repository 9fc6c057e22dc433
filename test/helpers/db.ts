import { join } from 'node:path';
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
