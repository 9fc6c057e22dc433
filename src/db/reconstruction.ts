import type { FindingState } from '../domain/finding.js';
import type { Db } from './client.js';
import type { FindingChange } from './report-reads.js';
import { prepared } from './statements.js';

/** One reconstructed change of state of a (target, rule). */
export interface ReconstructedChange {
  readonly ruleId: string;
  readonly at: number;
  readonly state: FindingState;
  readonly reason: string;
}

/** The target's first successful poll (the listing the past is reconstructed from), or null. */
export function firstListing(db: Db, targetId: string): { readonly pollId: number; readonly listedAt: number } | null {
  const row = db.$client
    .prepare(`SELECT id, finished_at FROM poll_runs WHERE target_id = ? AND outcome = 'ok' ORDER BY finished_at, id LIMIT 1`)
    .raw(true)
    .get(targetId) as [number, number] | undefined;
  return row ? { pollId: row[0], listedAt: row[1] } : null;
}

/** Replaces the target's reconstructed evidence in one transaction: a reconstruction is whole or absent. */
export function replaceReconstruction(db: Db, targetId: string, listedAt: number, changes: readonly ReconstructedChange[]): void {
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO reconstructed_events (target_id, rule_id, at, to_state, reason, listed_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  c.transaction(() => {
    c.prepare(`DELETE FROM reconstructed_events WHERE target_id = ?`).run(targetId);
    for (const ch of changes) insert.run(targetId, ch.ruleId, ch.at, ch.state, ch.reason.slice(0, 2000), listedAt);
  }).immediate();
}

/** When the auditor first recorded an evaluation of the target (its first observed finding change), or null. */
export function firstObserved(db: Db, targetId: string): number | null {
  const at = prepared(db, `SELECT MIN(at) FROM finding_events WHERE target_id = ?`).pluck().get(targetId);
  return typeof at === 'number' ? at : null;
}

/**
 * The target's reconstructed changes before `before` (the first observed evaluation: observed evidence
 * wins from there), by rule, oldest first, and when the listing was taken; null when none is stored.
 */
export function reconstructedChanges(
  db: Db,
  targetId: string,
  before: number,
): { readonly listedAt: number; readonly byRule: ReadonlyMap<string, FindingChange[]> } | null {
  const rows = prepared(
    db,
    `SELECT rule_id, at, to_state, reason, listed_at FROM reconstructed_events WHERE target_id = ? AND at < ? ORDER BY rule_id, at, id`,
  )
    .raw(true)
    .all(targetId, before) as [string, number, FindingState, string, number][];
  const first = rows[0];
  if (!first) return null;
  const byRule = new Map<string, FindingChange[]>();
  for (const [ruleId, at, state, reason] of rows) {
    const list = byRule.get(ruleId);
    if (list) list.push({ at, state, reason });
    else byRule.set(ruleId, [{ at, state, reason }]);
  }
  return { listedAt: first[4], byRule };
}
