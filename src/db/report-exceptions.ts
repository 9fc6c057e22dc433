import type { Statement } from 'better-sqlite3';
import type { Db } from './client.js';
import { type Silence, type SilenceRow, toSilence } from './silences.js';
import { perConnection } from './statements.js';

/**
 * The report's reads about silences: which were in force during the period, and the finding changes
 * each held back. A report reads the silences once and runs one statement per silence listed.
 */

type Statements = Record<'inForce' | 'changesOfTarget' | 'changesOfAny', Statement>;

// The changes that send a message when not held back: into alarm (firing), or from alarm to ok (resolved).
const NOTIFYING = `SELECT target_id, count(*) FROM finding_events
  WHERE at >= @from AND at < @to AND (to_state = 'alarm' OR (to_state = 'ok' AND from_state = 'alarm'))
    AND rule_id = coalesce(@rule, rule_id)`;

const statements = perConnection(
  (c): Statements => ({
    // In force: from the later of its start and its creation to its effective end (an early expiry
    // also moved ends_at, but expired_at is the record of it), overlapping [from, to).
    inForce: c.prepare(
      `SELECT * FROM silences
         WHERE starts_at < @to AND max(starts_at, created_at, @from) < min(ends_at, coalesce(expired_at, ends_at), @to)
         ORDER BY starts_at, id`,
    ),
    // With a target: through finding_events' (target, rule, at) index.
    changesOfTarget: c.prepare(`${NOTIFYING} AND target_id = @target GROUP BY target_id`).raw(true),
    changesOfAny: c.prepare(`${NOTIFYING} GROUP BY target_id`).raw(true),
  }),
);

/** Silences in force at some time in `[from, to)`: started (and added) before `to`, not ended by `from`; by start, then id. */
export function silencesInForce(db: Db, from: number, to: number): Silence[] {
  return (statements(db).inForce.all({ from, to }) as SilenceRow[]).map(toSilence);
}

/**
 * Per target, how many finding changes in `[from, to)` would have sent a firing or resolved message:
 * into `alarm`, or from `alarm` to `ok`; only of `target` and `rule` when given.
 */
export function notifyingChanges(
  db: Db,
  q: { readonly from: number; readonly to: number; readonly target: string | null; readonly rule: string | null },
): Map<string, number> {
  const s = statements(db);
  const rows = (
    q.target === null
      ? s.changesOfAny.all({ from: q.from, to: q.to, rule: q.rule })
      : s.changesOfTarget.all({ from: q.from, to: q.to, rule: q.rule, target: q.target })
  ) as [target: string, count: number][];
  return new Map(rows);
}
