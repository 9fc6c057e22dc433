import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditorError } from '../core/errors.js';
import { copyDatabase } from './client.js';

/** What checking a database file found: it is whole, and what it holds. */
export interface DatabaseCheck {
  readonly path: string;
  readonly bytes: number;
  /** Rows per table. */
  readonly rows: Readonly<Record<string, number>>;
  /** drizzle-kit migrations the file has applied (a restore migrates the rest). */
  readonly migrations: number;
}

const failure = (message: string) => new AuditorError('db-backup', message, { permanent: true });

/**
 * Checks a database file without changing it: SQLite's `integrity_check` must say `ok`, and it must be
 * a backup-auditor database (its migrations table). Throws naming what is wrong.
 */
export function checkDatabaseFile(path: string): DatabaseCheck {
  if (!existsSync(path)) throw failure(`${path} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw failure(`${path} cannot be opened as SQLite: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const integrity = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (integrity.length !== 1 || integrity[0] !== 'ok')
      throw failure(`${path} fails integrity_check: ${integrity.slice(0, 3).join('; ')}`);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    if (!tables.includes('__drizzle_migrations')) throw failure(`${path} is not a backup-auditor database (no migrations table)`);
    const rows: Record<string, number> = {};
    for (const t of tables.filter((n) => n !== '__drizzle_migrations').sort()) {
      rows[t] = db
        .prepare(`SELECT COUNT(*) FROM "${t.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number;
    }
    const migrations = db.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get() as number;
    return { path, bytes: statSync(path).size, rows, migrations };
  } catch (err) {
    if (err instanceof AuditorError) throw err;
    throw failure(`${path} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
}

/**
 * Makes a consistent copy of the database at `path` while others may write (SQLite's online backup),
 * checks the copy, and only then puts it at `dest`: a backup that exists passed its check.
 */
export async function backupDatabase(path: string, dest: string): Promise<DatabaseCheck> {
  if (!existsSync(path)) throw failure(`no database at ${path} to back up`);
  mkdirSync(dirname(dest), { recursive: true });
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  try {
    await copyDatabase(path, partial);
    checkDatabaseFile(partial);
    renameSync(partial, dest);
  } finally {
    rmSync(partial, { force: true });
  }
  return checkDatabaseFile(dest);
}

/**
 * Puts a checked backup in place of the database at `path`. What was there is kept beside it as
 * `<path>.before-restore-<stamp>` (with its -wal and -shm), never deleted. The caller makes sure no
 * daemon holds the database. Opening the restored file migrates it if the backup is older.
 */
export async function restoreDatabase(backup: string, path: string, stamp: string): Promise<{ check: DatabaseCheck; kept?: string }> {
  const check = checkDatabaseFile(backup);
  const incoming = `${path}.restoring`;
  rmSync(incoming, { force: true });
  await copyDatabase(backup, incoming);
  let kept: string | undefined;
  if (existsSync(path)) {
    kept = `${path}.before-restore-${stamp}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, kept + suffix);
  }
  renameSync(incoming, path);
  return { check, ...(kept !== undefined && { kept }) };
}

/** The name of the daemon's evidence copies in `dbBackup.dir`: `backup-auditor-<UTC stamp>.db`. */
const COPY_NAME = /^backup-auditor-(\d{8}T\d{6}Z)\.db$/;

/** One checked copy in a backup folder. */
export interface EvidenceCopy {
  readonly file: string;
  /** When the copy was made, epoch ms, from its name. */
  readonly madeAt: number;
  readonly bytes: number;
}

/** The copies in `dir` the daemon made, oldest first; none for a folder that does not exist. */
export function evidenceCopies(dir: string): EvidenceCopy[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const m = COPY_NAME.exec(name);
      if (!m?.[1]) return [];
      const s = m[1];
      const madeAt = Date.parse(
        `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`,
      );
      const file = join(dir, name);
      return Number.isNaN(madeAt) ? [] : [{ file, madeAt, bytes: statSync(file).size }];
    })
    .sort((a, b) => a.madeAt - b.madeAt);
}

/**
 * One scheduled evidence backup: a checked copy of `path` into `dir`, named for `now`, then the oldest
 * copies beyond `keep` removed (only once the new one passed its check, so a failing run deletes nothing).
 */
export async function backupIntoFolder(path: string, dir: string, keep: number, now: number): Promise<DatabaseCheck> {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const check = await backupDatabase(path, join(dir, `backup-auditor-${stamp}.db`));
  const copies = evidenceCopies(dir);
  for (const old of copies.slice(0, Math.max(0, copies.length - keep))) rmSync(old.file, { force: true });
  return check;
}
