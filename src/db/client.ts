import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The drizzle-kit output folder, found relative to this file both from src/ (tsx, tests) and dist/src/. */
export function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${join('dist', 'src')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
  return join(root, 'migrations');
}

export interface OpenOptions {
  /** Apply pending migrations (the owner process does; read-only tools may not). */
  migrate?: boolean;
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the SQLite file with WAL, foreign keys and a busy timeout, and applies
 * the drizzle-kit migrations. `:memory:` works too.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, opts.readonly ? { readonly: true, fileMustExist: true } : {});
  if (!opts.readonly) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL under WAL keeps every committed transaction across a process crash; only power loss can drop the last ones.
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema }) as Db;
  if (opts.migrate !== false && !opts.readonly) migrate(db, { migrationsFolder: migrationsFolder() });
  return db;
}

/**
 * Runs `fn` in one IMMEDIATE transaction: the write lock is taken at the start, so a batch of writes
 * never fails halfway on a busy database, and either all of it is committed or none.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

export function closeDatabase(db: Db): void {
  if (db.$client.open) db.$client.close();
}
