import type { Database, Statement } from 'better-sqlite3';
import type { Db } from './client.js';

/**
 * `build`'s statements, prepared once per connection: what runs for every target of a poll cycle,
 * evaluation or fleet report must not be prepared each time (preparing costs more than the query).
 * Each caller keeps its own set, so a statement's `raw` or `pluck` mode is its caller's alone.
 */
export function perConnection<T>(build: (c: Database) => T): (db: Db) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    let s = cache.get(db.$client);
    if (s === undefined) {
      s = build(db.$client);
      cache.set(db.$client, s);
    }
    return s;
  };
}

const byText = perConnection(() => new Map<string, Statement>());

/**
 * The connection's prepared statement for `sql`, prepared on first use: for a read or two that do not
 * warrant a `perConnection` set. Only for SQL text that is a constant (or one of a few), never text
 * built from values.
 */
export function prepared(db: Db, sql: string): Statement {
  const statements = byText(db);
  let s = statements.get(sql);
  if (!s) {
    s = db.$client.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}
