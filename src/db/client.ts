import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

/**
 * An open database. Every query in src/db/ is SQL prepared on the better-sqlite3 connection; drizzle
 * is only the migrator (and drizzle-kit's schema in schema.ts), so it is not loaded to open one.
 */
export interface Db {
  readonly $client: Database.Database;
}

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
  const db: Db = { $client: sqlite };
  if (opts.migrate !== false && !opts.readonly && migrationsPending(sqlite)) migrateDatabase(sqlite);
  return db;
}

/**
 * Whether drizzle's migrator would apply anything: it applies each migration of the journal created
 * after the newest one the database records (drizzle-orm sqlite-core `migrate`), so none is pending
 * when that newest one is at least the journal's latest. Loading drizzle costs more than most
 * commands' whole work, and the database is nearly always up to date.
 */
function migrationsPending(sqlite: Database.Database): boolean {
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  const latest = Math.max(...journal.entries.map((e) => e.when));
  const recorded = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get();
  if (!recorded) return true;
  const last = sqlite.prepare('SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1').pluck().get();
  return last === undefined || Number(last) < latest;
}

/**
 * Applies the pending drizzle-kit migrations with drizzle's migrator, loaded only for that. Foreign
 * keys are off meanwhile, as SQLite's procedure for changing a table requires: a generated migration
 * rebuilds a table as a copy, dropped and renamed, and dropping a table others refer to fails while
 * they are enforced. The migration's own `PRAGMA foreign_keys` lines cannot do it, as the migrator
 * runs them inside its transaction, where SQLite ignores them. The references are checked before
 * they are enforced again.
 */
function migrateDatabase(sqlite: Database.Database): void {
  const require = createRequire(import.meta.url);
  const { drizzle } = require('drizzle-orm/better-sqlite3') as typeof import('drizzle-orm/better-sqlite3');
  const { migrate } = require('drizzle-orm/better-sqlite3/migrator') as typeof import('drizzle-orm/better-sqlite3/migrator');
  sqlite.pragma('foreign_keys = OFF');
  try {
    migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
    const broken = sqlite.pragma('foreign_key_check') as { table: string; parent: string }[];
    if (broken.length > 0)
      throw new Error(`after migrating, ${broken.length} row(s) of ${broken[0]?.table} refer to no ${broken[0]?.parent}`);
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
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
