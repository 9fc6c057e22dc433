import { iso } from '../core/clock.js';
import type { Db } from './client.js';
import { drillsSince } from './drills.js';

/** One thing that happened to a target; `history --json` prints these in time order. */
export type HistoryEvent =
  | {
      at: string;
      type: 'poll';
      /** The poll's id: `history TARGET --poll ID` prints what it listed. */
      id: number;
      outcome: 'ok' | 'error';
      pages: number;
      items: number;
      problemItems: number;
      durationMs: number;
      error: string | null;
      /** When the poll opened a run of identical ones (src/db/poll-runs.ts): how many, the last, the longest gap. */
      run?: { polls: number; lastAt: string; maxGapMs: number };
    }
  | {
      at: string;
      type: 'backup';
      backupId: string;
      kind: string;
      from: string | null;
      to: string;
      rawStatus: string;
      endedAt: string | null;
      sizeBytes: number | null;
    }
  | { at: string; type: 'finding'; rule: string; from: string | null; to: string; reason: string }
  | { at: string; type: 'drill'; id: string; result: string; durationMs: number | null; backupId: string | null; note: string | null }
  | { at: string; type: 'notification'; rule: string | null; channel: string; kind: string; status: string; error: string | null };

const TYPE_ORDER: Record<HistoryEvent['type'], number> = { poll: 0, backup: 1, drill: 2, finding: 3, notification: 4 };

/** Whether anything was ever recorded about a target (a poll or a finding). */
export function knownInDatabase(db: Db, target: string): boolean {
  return (
    db.$client
      .prepare(`SELECT 1 FROM poll_runs WHERE target_id = ? UNION ALL SELECT 1 FROM findings WHERE target_id = ? LIMIT 1`)
      .get(target, target) !== undefined
  );
}

/**
 * Everything recorded about a target from `since` on, oldest first; within one instant: poll, backups,
 * drills (at the drill's instant), findings, notifications.
 */
export function targetHistory(db: Db, target: string, since: number): HistoryEvent[] {
  const c = db.$client;
  const rows: { t: number; id: number; e: HistoryEvent }[] = [];
  type Poll = {
    id: number;
    started_at: number;
    finished_at: number;
    outcome: 'ok' | 'error';
    pages: number;
    items: number;
    problem_items: number;
    error_kind: string | null;
    error_message: string | null;
    polls: number | null;
    last_finished_at: number | null;
    max_gap_ms: number | null;
  };
  for (const p of c
    .prepare(`SELECT * FROM poll_runs WHERE target_id = ? AND coalesce(last_finished_at, finished_at) >= ? ORDER BY finished_at, id`)
    .all(target, since) as Poll[]) {
    const error = p.outcome === 'error' ? `${p.error_kind ?? 'error'}: ${p.error_message ?? ''}` : null;
    rows.push({
      t: p.finished_at,
      id: p.id,
      e: {
        at: iso(p.finished_at),
        type: 'poll',
        id: p.id,
        outcome: p.outcome,
        pages: p.pages,
        items: p.items,
        problemItems: p.problem_items,
        durationMs: p.finished_at - p.started_at,
        error,
        ...(p.polls !== null &&
          p.polls > 1 && { run: { polls: p.polls, lastAt: iso(p.last_finished_at ?? p.finished_at), maxGapMs: p.max_gap_ms ?? 0 } }),
      },
    });
  }
  type BackupEvent = {
    id: number;
    at: number;
    backup_id: string;
    from_status: string | null;
    to_status: string;
    raw_status: string;
    kind: string | null;
    ended_at: number | null;
    size_bytes: number | null;
  };
  const backups = c
    .prepare(`SELECT e.id, e.at, e.backup_id, e.from_status, e.to_status, e.raw_status, b.kind, b.ended_at, b.size_bytes
              FROM backup_events e LEFT JOIN backups b ON b.target_id = e.target_id AND b.backup_id = e.backup_id
              WHERE e.target_id = ? AND e.at >= ? ORDER BY e.at, e.id`)
    .all(target, since) as BackupEvent[];
  for (const b of backups) {
    rows.push({
      t: b.at,
      id: b.id,
      e: {
        at: iso(b.at),
        type: 'backup',
        backupId: b.backup_id,
        kind: b.kind ?? 'unknown',
        from: b.from_status,
        to: b.to_status,
        rawStatus: b.raw_status,
        endedAt: b.ended_at === null ? null : iso(b.ended_at),
        sizeBytes: b.size_bytes,
      },
    });
  }
  drillsSince(db, target, since).forEach((d, i) => {
    const e = { type: 'drill' as const, id: d.id, result: d.result, durationMs: d.durationMs, backupId: d.backupId, note: d.note };
    rows.push({ t: d.at, id: i, e: { at: iso(d.at), ...e } });
  });
  type FindingEvent = { id: number; at: number; rule_id: string; from_state: string | null; to_state: string; reason: string };
  for (const f of c
    .prepare(`SELECT * FROM finding_events WHERE target_id = ? AND at >= ? ORDER BY at, id`)
    .all(target, since) as FindingEvent[]) {
    rows.push({
      t: f.at,
      id: f.id,
      e: { at: iso(f.at), type: 'finding', rule: f.rule_id, from: f.from_state, to: f.to_state, reason: f.reason },
    });
  }
  type Notification = {
    id: number;
    created_at: number;
    rule_id: string | null;
    channel: string;
    kind: string;
    status: string;
    last_error: string | null;
  };
  for (const n of c
    .prepare(`SELECT * FROM notifications WHERE target_id = ? AND created_at >= ? ORDER BY created_at, id`)
    .all(target, since) as Notification[]) {
    rows.push({
      t: n.created_at,
      id: n.id,
      e: {
        at: iso(n.created_at),
        type: 'notification',
        rule: n.rule_id,
        channel: n.channel,
        kind: n.kind,
        status: n.status,
        error: n.last_error,
      },
    });
  }
  return rows.sort((a, b) => a.t - b.t || TYPE_ORDER[a.e.type] - TYPE_ORDER[b.e.type] || a.id - b.id).map((r) => r.e);
}
