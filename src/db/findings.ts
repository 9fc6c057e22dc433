import type { Statement } from 'better-sqlite3';
import type { AlertItem } from '../domain/alert.js';
import type { FindingState, Severity } from '../domain/finding.js';
import type { Db } from './client.js';
import { appendEvidence } from './evidence.js';
import { perConnection } from './statements.js';

export interface FindingRow {
  targetId: string;
  ruleId: string;
  state: FindingState;
  severity: Severity;
  since: number;
  reason: string;
  evaluatedAt: number;
  firing: boolean;
  lastNotifiedAt: number | null;
  silencedBy: number | null;
}

/** A finding as stored, with its details text: what `writeFinding` compares a new verdict with. */
export interface StoredFinding extends FindingRow {
  readonly details: string | null;
}

/** A findings row as `readTarget` reads it, an array: evaluation reads every finding of every target. */
type StoredRow = [
  ruleId: string,
  state: FindingState,
  severity: Severity,
  since: number,
  reason: string,
  details: string | null,
  evaluatedAt: number,
  firing: number,
  lastNotifiedAt: number | null,
  silencedBy: number | null,
];

// Evaluation writes every finding of every target: statements are prepared once per connection.
const statements = perConnection(
  (c): Record<'readTarget' | 'upsert' | 'update' | 'markEvaluated' | 'event' | 'notify', Statement> => ({
    readTarget: c
      .prepare(
        `SELECT rule_id, state, severity, since, reason, details, evaluated_at, firing, last_notified_at, silenced_by
         FROM findings WHERE target_id = ?`,
      )
      .raw(true),
    upsert: c.prepare(
      `INSERT INTO findings (target_id, rule_id, state, severity, since, reason, details, evaluated_at, firing, last_notified_at,
           silenced_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (target_id, rule_id) DO UPDATE SET state = excluded.state, severity = excluded.severity, since = excluded.since,
           reason = excluded.reason, details = excluded.details, evaluated_at = excluded.evaluated_at, firing = excluded.firing,
           last_notified_at = excluded.last_notified_at, silenced_by = excluded.silenced_by`,
    ),
    // The row the caller read: updated in place, without the insert attempt the upsert makes first.
    update: c.prepare(
      `UPDATE findings SET state = ?, severity = ?, since = ?, reason = ?, details = ?, evaluated_at = ?, firing = ?,
           last_notified_at = ?, silenced_by = ?
         WHERE target_id = ? AND rule_id = ?`,
    ),
    markEvaluated: c.prepare(`UPDATE findings SET evaluated_at = ? WHERE target_id = ? AND rule_id = ?`),
    event: c.prepare(`INSERT INTO finding_events (target_id, rule_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?, ?)`),
    notify: c.prepare(
      `INSERT INTO notifications (channel, kind, finding_event_id, target_id, rule_id, payload, status, attempts, created_at,
           next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    ),
  }),
);

/** Every finding of one target by rule id: what evaluation compares its verdicts with. */
export function readTargetFindings(db: Db, targetId: string): Map<string, StoredFinding> {
  const out = new Map<string, StoredFinding>();
  for (const r of statements(db).readTarget.all(targetId) as StoredRow[]) {
    out.set(r[0], {
      targetId,
      ruleId: r[0],
      state: r[1],
      severity: r[2],
      since: r[3],
      reason: r[4],
      details: r[5],
      evaluatedAt: r[6],
      firing: r[7] === 1,
      lastNotifiedAt: r[8],
      silencedBy: r[9],
    });
  }
  return out;
}

/** A finding as `status` shows it: target, rule, state, severity, since, reason. */
export type StatusRow = readonly [string, string, FindingState, Severity, number, string];

const STATUS_ROWS = 'SELECT target_id, rule_id, state, severity, since, reason FROM findings ORDER BY target_id, rule_id';

/** Every finding's `status` columns, in (target, rule) order; rows as arrays, for there may be tens of thousands. */
export function listStatusRows(db: Db): StatusRow[] {
  return db.$client.prepare(STATUS_ROWS).raw().all() as StatusRow[];
}

/**
 * The rows of `listStatusRows` one at a time, from the one statement (one snapshot), which stays open
 * until the iteration ends: for a caller that turns each into output and keeps none of them.
 */
export function eachStatusRow(db: Db): IterableIterator<StatusRow> {
  return db.$client.prepare(STATUS_ROWS).raw().iterate() as IterableIterator<StatusRow>;
}

export interface FindingWrite {
  readonly targetId: string;
  readonly ruleId: string;
  readonly state: FindingState;
  readonly severity: Severity;
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly now: number;
  /** What to send, decided by the caller from the previous row; empty = nothing. */
  readonly notify: readonly { readonly channel: string; readonly item: AlertItem }[];
  /** The `firing` flag after this write. */
  readonly firing: boolean;
  /** The silence that held this evaluation's notification back, or null. */
  readonly silencedBy: number | null;
}

/** What `writeFinding` did: whether the state changed (and its event), and whether the row was written at all. */
export interface FindingWritten {
  readonly changed: boolean;
  readonly eventId: number | null;
  readonly written: boolean;
}

/**
 * Records one evaluation of a finding. The row is written only when what it says changed (state,
 * severity, reason, details, firing, silence, or a notification sent): most evaluations confirm
 * the stored finding, and rewriting it would dirty every findings page on every pass. On a state
 * change a finding_events row and its evidence link are appended, and the outbox rows are inserted in
 * the same transaction, so a change and its notifications are committed together or not at all.
 * An unwritten row keeps its `evaluated_at`: the caller stamps the target (`markEvaluated`).
 */
export function writeFinding(db: Db, previous: StoredFinding | undefined, w: FindingWrite): FindingWritten {
  const details = w.details ? JSON.stringify(w.details) : null;
  if (
    previous !== undefined &&
    w.notify.length === 0 &&
    previous.state === w.state &&
    previous.severity === w.severity &&
    previous.reason === w.reason &&
    previous.details === details &&
    previous.firing === w.firing &&
    previous.silencedBy === w.silencedBy
  )
    return { changed: false, eventId: null, written: false };
  // The finding event and its evidence link are written together: in the caller's transaction, or in one of its own.
  if (!db.$client.inTransaction) return db.$client.transaction(() => writeFinding(db, previous, w)).immediate();
  const s = statements(db);
  const changed = !previous || previous.state !== w.state;
  const since = changed ? w.now : previous.since;
  const lastNotifiedAt = w.notify.length > 0 ? w.now : (previous?.lastNotifiedAt ?? null);
  // Positional parameters bind without reading an object's properties by name; this runs for every finding written.
  const firing = w.firing ? 1 : 0;
  const updated =
    previous !== undefined &&
    s.update.run(w.state, w.severity, since, w.reason, details, w.now, firing, lastNotifiedAt, w.silencedBy, w.targetId, w.ruleId).changes >
      0;
  if (!updated)
    s.upsert.run(w.targetId, w.ruleId, w.state, w.severity, since, w.reason, details, w.now, firing, lastNotifiedAt, w.silencedBy);
  let eventId: number | null = null;
  if (changed) {
    const from = previous?.state ?? null;
    eventId = Number(s.event.run(w.targetId, w.ruleId, from, w.state, w.now, w.reason).lastInsertRowid);
    const row = { id: eventId, target_id: w.targetId, rule_id: w.ruleId, from_state: from, to_state: w.state, at: w.now, reason: w.reason };
    appendEvidence(db, 'finding-event', { ref: String(eventId), at: w.now, row });
  }
  for (const n of w.notify) s.notify.run(n.channel, n.item.kind, eventId, w.targetId, w.ruleId, outboxPayload(n.item, w), w.now, w.now);
  return { changed, eventId, written: true };
}

/**
 * Stamps `at` as the evaluation time on one finding without rewriting it. A target's last evaluation
 * is the newest `evaluated_at` of its findings (what reports read); an evaluation that wrote none of
 * them stamps one, and one that wrote any has already stamped it.
 */
export function markEvaluated(db: Db, targetId: string, ruleId: string, at: number): void {
  statements(db).markEvaluated.run(at, targetId, ruleId);
}

/** What was recorded for each (target, rule) at instant `at`: the last finding event at or before it (the flip history). */
export function findingsAsOf(db: Db, at: number): Pick<FindingRow, 'targetId' | 'ruleId' | 'state' | 'since' | 'reason' | 'severity'>[] {
  return (
    db.$client
      .prepare(
        `SELECT e.target_id, e.rule_id, e.to_state AS state, e.at AS since, e.reason, coalesce(f.severity, 'warning') AS severity
         FROM finding_events e
         LEFT JOIN findings f ON f.target_id = e.target_id AND f.rule_id = e.rule_id
         WHERE e.id = (SELECT id FROM finding_events x WHERE x.target_id = e.target_id AND x.rule_id = e.rule_id AND x.at <= ?
                       ORDER BY x.at DESC, x.id DESC LIMIT 1)
         ORDER BY e.target_id, e.rule_id`,
      )
      .all(at) as Record<string, unknown>[]
  ).map((r) => ({
    targetId: r.target_id as string,
    ruleId: r.rule_id as string,
    state: r.state as FindingState,
    since: r.since as number,
    reason: r.reason as string,
    severity: r.severity as Severity,
  }));
}

/** Findings by state, for the daemon's gauge. */
export function findingCounts(db: Db): { readonly state: string; readonly n: number }[] {
  return db.$client.prepare(`SELECT state, COUNT(*) AS n FROM findings GROUP BY state`).all() as { state: string; n: number }[];
}

/** Targets with a finding of `ruleId` in any state but ok. */
export function targetsNotOk(db: Db, ruleId: string): string[] {
  return db.$client.prepare(`SELECT target_id FROM findings WHERE rule_id = ? AND state <> 'ok'`).pluck().all(ruleId) as string[];
}

/** `target/rule` → silence id, for findings whose notifications a silence holds back now. */
export function silencedFindings(db: Db): Map<string, number> {
  const rows = db.$client.prepare(`SELECT target_id, rule_id, silenced_by FROM findings WHERE silenced_by IS NOT NULL`).all() as {
    target_id: string;
    rule_id: string;
    silenced_by: number;
  }[];
  return new Map(rows.map((r) => [`${r.target_id}/${r.rule_id}`, r.silenced_by]));
}

/**
 * An item as its outbox row keeps it: without the kind, target and rule its columns hold (a fifth of the
 * text of each reminder a firing finding sends every day). The outbox puts them back when it reads the row.
 */
function outboxPayload(item: AlertItem, w: Pick<FindingWrite, 'targetId' | 'ruleId'>): string {
  const { kind: _kind, targetId, ruleId, ...rest } = item;
  return targetId === w.targetId && ruleId === w.ruleId ? JSON.stringify(rest) : JSON.stringify(item);
}
