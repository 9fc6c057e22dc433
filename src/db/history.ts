import type { BackupFact, BackupKind, BackupStatus, PollFact, TargetHistory } from '../../rules/types.js';
import type { Db } from './client.js';

interface BackupRow {
  backup_id: string;
  name: string | null;
  kind: BackupKind;
  status: BackupStatus;
  raw_status: string;
  started_at: number | null;
  ended_at: number | null;
  size_bytes: number | null;
  first_seen_at: number;
}

interface EventRow {
  backup_id: string;
  to_status: BackupStatus;
  raw_status: string;
}

interface PollRow {
  started_at: number;
  finished_at: number;
  outcome: 'ok' | 'error';
  error_kind: string | null;
  error_message: string | null;
}

export interface HistoryOptions {
  /** How many recent polls rules may look at. */
  readonly pollLimit?: number;
}

/**
 * What was known about a target at `now`: backups first seen by then with their status as of then
 * (from backup_events), and the polls finished by then, newest first. Evaluating "as of" a past
 * instant therefore sees exactly what the auditor saw at that instant.
 */
export function loadHistory(db: Db, targetId: string, now: number, opts: HistoryOptions = {}): TargetHistory {
  const c = db.$client;
  const rows = c
    .prepare(
      `SELECT backup_id, name, kind, status, raw_status, started_at, ended_at, size_bytes, first_seen_at
       FROM backups WHERE target_id = ? AND first_seen_at <= ?`,
    )
    .all(targetId, now) as BackupRow[];
  // Only backups whose status changed after `now` need their older status looked up.
  const later = new Set(
    (c.prepare(`SELECT DISTINCT backup_id FROM backup_events WHERE target_id = ? AND at > ?`).pluck().all(targetId, now) as string[]),
  );
  const asOf = new Map<string, EventRow>();
  if (later.size > 0) {
    const events = c
      .prepare(`SELECT backup_id, to_status, raw_status FROM backup_events WHERE target_id = ? AND at <= ? ORDER BY at, id`)
      .all(targetId, now) as EventRow[];
    for (const e of events) if (later.has(e.backup_id)) asOf.set(e.backup_id, e);
  }
  const backups: BackupFact[] = rows.map((r) => {
    const e = asOf.get(r.backup_id);
    return {
      backupId: r.backup_id,
      name: r.name,
      kind: r.kind,
      status: e ? e.to_status : r.status,
      rawStatus: e ? e.raw_status : r.raw_status,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      sizeBytes: r.size_bytes,
      firstSeenAt: r.first_seen_at,
    };
  });
  const polls = (
    c
      .prepare(
        `SELECT started_at, finished_at, outcome, error_kind, error_message FROM poll_runs
         WHERE target_id = ? AND finished_at <= ? ORDER BY finished_at DESC, id DESC LIMIT ?`,
      )
      .all(targetId, now, opts.pollLimit ?? 50) as PollRow[]
  ).map(
    (p): PollFact => ({
      startedAt: p.started_at,
      finishedAt: p.finished_at,
      ok: p.outcome === 'ok',
      errorKind: p.error_kind,
      errorMessage: p.error_message,
    }),
  );
  return { backups, polls };
}

/** Whether any poll of the target succeeded at or before `now`. */
export function hasSuccessfulPoll(db: Db, targetId: string, now: number): boolean {
  return (
    db.$client.prepare(`SELECT 1 FROM poll_runs WHERE target_id = ? AND outcome = 'ok' AND finished_at <= ? LIMIT 1`).pluck().get(targetId, now) !==
    undefined
  );
}
