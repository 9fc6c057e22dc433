import type { Statement } from 'better-sqlite3';
import type { Db } from './client.js';

const cache = new WeakMap<object, Map<string, Statement>>();

/**
 * The connection's prepared statement for `sql`, prepared on first use. Reads that run once per target
 * of a fleet report or evaluation must not prepare each time: preparing costs more than the query.
 * Only for SQL text that is a constant (or one of a few), never text built from values.
 */
export function prepared(db: Db, sql: string): Statement {
  const c = db.$client;
  let byText = cache.get(c);
  if (!byText) {
    byText = new Map();
    cache.set(c, byText);
  }
  let s = byText.get(sql);
  if (!s) {
    s = c.prepare(sql);
    byText.set(sql, s);
  }
  return s;
}
