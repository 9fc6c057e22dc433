import BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../src/db/client.js';

/** One read a piece of code ran: its SQL and arguments. */
interface Read {
  readonly sql: string;
  readonly args: readonly unknown[];
}

/**
 * Records every read statement the connection runs while `fn` runs (SQL text and arguments; writes are
 * left out), so the same rows can then be read again with raw prepared statements: the baseline of
 * "how long does reading what this code reads take", measured in the same run. Statements prepared
 * before `record` are invisible to it: call it on a fresh connection.
 */
export function recordReads<T>(db: Db, fn: () => T): { value: T; reads: Read[] } {
  const reads: Read[] = [];
  const proto: { prepare(sql: string): BetterSqlite3.Statement } = BetterSqlite3.prototype;
  const prepare = proto.prepare;
  proto.prepare = function (this: BetterSqlite3.Database, sql: string) {
    const st = prepare.call(this, sql);
    if (this !== db.$client || !st.reader) return st;
    for (const m of ['get', 'all', 'iterate'] as const) {
      const run: (...args: unknown[]) => unknown = st[m].bind(st);
      Object.defineProperty(st, m, {
        value: (...args: unknown[]) => {
          reads.push({ sql, args });
          return run(...args);
        },
      });
    }
    return st;
  };
  try {
    return { value: fn(), reads };
  } finally {
    proto.prepare = prepare;
  }
}

/** Reads every recorded read's rows again: each SQL prepared once, rows as arrays, nothing built from them. */
export function replayReads(db: Db, reads: readonly Read[]): number {
  const statements = new Map<string, BetterSqlite3.Statement>();
  let rows = 0;
  for (const r of reads) {
    let st = statements.get(r.sql);
    if (!st) {
      st = db.$client.prepare(r.sql).raw(true);
      statements.set(r.sql, st);
    }
    rows += st.all(...r.args).length;
  }
  return rows;
}
