import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './client.js';

/** The daemon that owns a database file: it alone writes it (see DESIGN.md "Who touches SQLite"). */
export interface DatabaseHolder {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
}

const KEY = 'daemon';

/** Records that a daemon holds the database, from its start until `releaseHolder`. */
export function recordHolder(db: Db, holder: DatabaseHolder): void {
  db.$client
    .prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
    .run(KEY, JSON.stringify(holder));
}

/** Clears the record, if it is still this daemon's. */
export function releaseHolder(db: Db, pid: number): void {
  db.$client.prepare(`DELETE FROM meta WHERE key = ? AND json_extract(value, '$.pid') = ?`).run(KEY, pid);
}

/** Which daemon last said it holds the database file at `path` (a crashed one leaves its record); none for no file. */
export function readHolder(path: string): DatabaseHolder | undefined {
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined;
    const value = hasMeta ? (db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck().get(KEY) as string | undefined) : undefined;
    return value === undefined ? undefined : (JSON.parse(value) as DatabaseHolder);
  } finally {
    db.close();
  }
}
