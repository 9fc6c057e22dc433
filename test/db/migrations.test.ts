import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, migrationsApplied, migrationsFolder, openDatabase } from '../../src/db/client.js';
import { tempDir } from '../helpers/temp.js';

const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};

/** Every table with its columns and every index, as SQLite reports them: what a schema comparison needs. */
function shape(path: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'`)
      .pluck()
      .all() as string[];
    const out: Record<string, string[]> = {};
    for (const t of tables.sort()) {
      const columns = db.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info(?)`).all(t) as object[];
      const indexes = db.prepare(`SELECT name FROM pragma_index_list(?) ORDER BY name`).pluck().all(t) as string[];
      out[t] = [...columns.map((c) => JSON.stringify(c)), ...indexes.map((i) => `index ${i}`)];
    }
    return out;
  } finally {
    db.close();
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(): string {
  const t = tempDir('ba-migrations-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('the migrations', () => {
  it('create every table of the schema on a fresh database and record each migration once', () => {
    const path = join(folder(), 'fresh.db');
    const db = openDatabase(path);
    expect(migrationsApplied(db)).toBe(journal.entries.length);
    closeDatabase(db);
    expect(Object.keys(shape(path))).toEqual(
      expect.arrayContaining(['poll_runs', 'backups', 'backup_events', 'findings', 'finding_events', 'notifications']),
    );
    // Opening again applies nothing twice.
    const again = openDatabase(path);
    expect(migrationsApplied(again)).toBe(journal.entries.length);
    closeDatabase(again);
  });

  it('upgrade a database made by the oldest landed schema to the current one, keeping its rows', () => {
    const dir = folder();
    // The migrations folder as it was when only the first migration had landed.
    const oldest = join(dir, 'oldest-migrations');
    cpSync(migrationsFolder(), oldest, { recursive: true });
    writeFileSync(join(oldest, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const path = join(dir, 'old.db');
    const sqlite = new Database(path);
    migrate(drizzle(sqlite), { migrationsFolder: oldest });
    sqlite
      .prepare(`INSERT INTO poll_runs (target_id, started_at, finished_at, outcome, pages, items) VALUES ('orders-db', 1, 2, 'ok', 1, 1)`)
      .run();
    sqlite
      .prepare(
        `INSERT INTO findings (target_id, rule_id, state, severity, since, reason, evaluated_at)
         VALUES ('orders-db', 'recent-success', 'alarm', 'critical', 2, 'stale', 2)`,
      )
      .run();
    sqlite.close();

    const upgraded = openDatabase(path);
    expect(migrationsApplied(upgraded)).toBe(journal.entries.length);
    expect(upgraded.$client.prepare(`SELECT target_id, outcome FROM poll_runs`).all()).toEqual([{ target_id: 'orders-db', outcome: 'ok' }]);
    expect(upgraded.$client.prepare(`SELECT state, reason FROM findings`).all()).toEqual([{ state: 'alarm', reason: 'stale' }]);
    closeDatabase(upgraded);

    const fresh = join(dir, 'fresh.db');
    closeDatabase(openDatabase(fresh));
    expect(shape(path)).toEqual(shape(fresh));
  });
});
