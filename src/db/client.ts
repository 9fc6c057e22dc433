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

/** Runs `fn` in one read transaction: every query in it sees the same snapshot, whatever a writer does meanwhile. */
export function readTransaction<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).deferred();
}

/** Whether the database answers a query (for /healthz). */
export function databaseAnswers(db: Db): true | string {
  try {
    db.$client.prepare('SELECT 1').get();
    return true;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** How many drizzle-kit migrations the database has applied. */
export function migrationsApplied(db: Db): number {
  return db.$client.prepare(`SELECT COUNT(*) FROM __drizzle_migrations`).pluck().get() as number;
}

/**
 * Copies the database at `path` to `dest` with SQLite's online backup, which is consistent even while
 * another process writes. The source connection only reads; it is not opened `readonly` on purpose: on
 * a WAL database a read-only connection creates the -wal and -shm files and, unable to checkpoint,
 * leaves them behind, while a plain connection that writes nothing removes them again on close when it
 * is the last one (and leaves them to a running daemon otherwise).
 */
export async function copyDatabase(path: string, dest: string): Promise<void> {
  const source = new Database(path, { fileMustExist: true });
  try {
    await source.backup(dest);
  } finally {
    source.close();
  }
}

export function closeDatabase(db: Db): void {
  if (db.$client.open) db.$client.close();
}
