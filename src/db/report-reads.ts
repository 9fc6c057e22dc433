import type { Statement } from 'better-sqlite3';
import type { FindingState } from '../domain/finding.js';
import type { Db } from './client.js';
import { perConnection } from './statements.js';

/**
 * The report's reads, all through existing indexes: finding_events by (target, rule, at), backups by
 * (target, ended_at), backup_events by (target, at), findings by primary key. Prepared once per
 * connection, because a fleet report runs them for every target.
 */

type Statements = Record<
  'ruleChanges' | 'lastEvaluated' | 'backupsEnded' | 'newestBefore' | 'backupsBefore' | 'backupsEndedAt' | 'everCompleted',
  Statement
>;

const statements = perConnection(
  (c): Statements => ({
    // Every rule of the target in one query (a report reads thousands of targets): per rule, the
    // last change before the window (the state the window starts in) and every change within it.
    ruleChanges: c
      .prepare(
        `SELECT rule_id, to_state, at, reason FROM finding_events AS e
           WHERE target_id = @target AND at < @to
             AND at >= coalesce(
               (SELECT max(at) FROM finding_events WHERE target_id = @target AND rule_id = e.rule_id AND at < @from),
               @from)
           ORDER BY rule_id, at, id`,
      )
      // Rows as arrays: a fleet report reads hundreds of thousands, and an object per row costs more to build.
      .raw(true),
    lastEvaluated: c.prepare(`SELECT max(evaluated_at) FROM findings WHERE target_id = ?`).pluck(),
    // A failed backup without an end time is placed at its start. One statement for both halves: a
    // report runs it for every target.
    backupsEnded: c
      .prepare(
        `SELECT backup_id, status, ended_at FROM backups WHERE target_id = @target AND ended_at >= @from AND ended_at < @to
         UNION ALL
         SELECT backup_id, status, started_at FROM backups
           WHERE target_id = @target AND ended_at IS NULL AND status = 'failed' AND started_at >= @from AND started_at < @to`,
      )
      .raw(true),
    // Usually the newest backup before the period counts: one row first, then pages of 32.
    newestBefore: c
      .prepare(`SELECT backup_id, status, ended_at FROM backups WHERE target_id = ? AND ended_at < ? ORDER BY ended_at DESC LIMIT 1`)
      .raw(true),
    backupsBefore: c
      .prepare(`SELECT backup_id, status, ended_at FROM backups WHERE target_id = ? AND ended_at < ? ORDER BY ended_at DESC LIMIT 32`)
      .raw(true),
    backupsEndedAt: c.prepare(`SELECT backup_id, status, ended_at FROM backups WHERE target_id = ? AND ended_at = ?`).raw(true),
    everCompleted: c
      .prepare(`SELECT 1 FROM backup_events WHERE target_id = ? AND at >= ? AND backup_id = ? AND to_status = 'completed' LIMIT 1`)
      .pluck(),
  }),
);

/** A finding's change of state, as the report reads it. */
export interface FindingChange {
  readonly at: number;
  readonly state: FindingState;
  readonly reason: string;
}

/** The changes of each rule of a target relevant to `[from, to)`, oldest first, by rule id (rules without any are absent). */
export function ruleChanges(db: Db, target: string, from: number, to: number): Map<string, FindingChange[]> {
  const rows = statements(db).ruleChanges.all({ target, from, to }) as [ruleId: string, state: FindingState, at: number, reason: string][];
  const out = new Map<string, FindingChange[]>();
  for (const [ruleId, state, at, reason] of rows) {
    const list = out.get(ruleId);
    const change = { at, state, reason };
    if (list) list.push(change);
    else out.set(ruleId, [change]);
  }
  return out;
}

/** When the target was last evaluated (the newest `evaluated_at` of its findings, see `markEvaluated`), or null if never. */
export function lastEvaluated(db: Db, target: string): number | null {
  return (statements(db).lastEvaluated.get(target) as number | null | undefined) ?? null;
}

/** A backup as the report counts it. */
export interface EndedBackup {
  readonly endedAt: number;
  readonly outcome: 'completed' | 'failed';
}

/** `backup_id, status, ended_at` read as an array: the backups statements run for every target of a fleet report. */
type BackupRow = [backupId: string, status: string, endedAt: number];

// Providers' clocks and ours differ; a completion seen a little "before" the backup's end still counts.
const SKEW_MS = 86_400_000;

/**
 * Whether a backup counts as completed: it is `completed`, or it was once (an `expired` or `deleting`
 * backup that we saw completed). A backup we never saw completed does not count, whatever it is now.
 */
function outcomeOf(s: Statements, target: string, [backupId, status, endedAt]: BackupRow): EndedBackup['outcome'] | null {
  if (status === 'completed') return 'completed';
  if (status === 'failed') return 'failed';
  if (status !== 'expired' && status !== 'deleting') return null;
  return s.everCompleted.get(target, endedAt - SKEW_MS, backupId) === undefined ? null : 'completed';
}

/** Completed and failed backups that ended in `[from, to)` (failed ones without an end: by their start). */
export function backupsIn(db: Db, target: string, from: number, to: number): EndedBackup[] {
  const s = statements(db);
  const out: EndedBackup[] = [];
  for (const r of s.backupsEnded.all({ target, from, to }) as BackupRow[]) {
    const outcome = outcomeOf(s, target, r);
    if (outcome) out.push({ endedAt: r[2], outcome });
  }
  return out.sort((a, b) => a.endedAt - b.endedAt);
}

/** The end of the newest completed backup that ended before `before`, or null if none is on record. */
export function lastCompletedBefore(db: Db, target: string, before: number): number | null {
  const s = statements(db);
  // Newest first, a page at a time, stopping at the first that counts: usually the first row.
  const newest = s.newestBefore.get(target, before) as BackupRow | undefined;
  if (newest === undefined) return null;
  if (outcomeOf(s, target, newest) === 'completed') return newest[2];
  let bound = before;
  for (;;) {
    const page = s.backupsBefore.all(target, bound) as BackupRow[];
    for (const r of page) if (outcomeOf(s, target, r) === 'completed') return r[2];
    const last = page[page.length - 1];
    if (!last || page.length < 32) return null;
    // The page may have cut through backups that share the last end instant: look at all of them.
    for (const r of s.backupsEndedAt.all(target, last[2]) as BackupRow[]) if (outcomeOf(s, target, r) === 'completed') return r[2];
    bound = last[2];
  }
}
