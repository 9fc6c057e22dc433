import { randomUUID } from 'node:crypto';
import type { DrillFact } from '../../rules/types.js';
import { iso } from '../core/clock.js';
import type { DrillInput, DrillResult, DrillSource } from '../domain/drill.js';
import type { Db } from './client.js';
import { appendEvidence } from './evidence.js';
import { prepared } from './statements.js';

/** One recorded restore drill. */
export interface Drill {
  readonly id: string;
  readonly targetId: string;
  readonly backupId: string | null;
  readonly result: DrillResult;
  readonly at: number;
  readonly durationMs: number | null;
  readonly note: string | null;
  readonly evidenceUrl: string | null;
  readonly recordedAt: number;
  readonly source: DrillSource;
}

interface Row {
  id: string;
  target_id: string;
  backup_id: string | null;
  result: DrillResult;
  at: number;
  duration_ms: number | null;
  note: string | null;
  evidence_url: string | null;
  recorded_at: number;
  source: DrillSource;
}

const toDrill = (r: Row): Drill => ({
  id: r.id,
  targetId: r.target_id,
  backupId: r.backup_id,
  result: r.result,
  at: r.at,
  durationMs: r.duration_ms,
  note: r.note,
  evidenceUrl: r.evidence_url,
  recordedAt: r.recorded_at,
  source: r.source,
});

/**
 * What recording came to: `created`; `repeat` when the same id was already recorded with the same
 * content (nothing written); `conflict` when it was recorded with other content (nothing written,
 * `fields` names what differs).
 */
export type RecordOutcome =
  | { readonly kind: 'created' | 'repeat'; readonly drill: Drill }
  | { readonly kind: 'conflict'; readonly drill: Drill; readonly fields: readonly string[] };

/** The content that makes two recordings of one id the same drill (not when or from where it was recorded). */
const CONTENT: readonly (keyof Drill)[] = ['targetId', 'backupId', 'result', 'at', 'durationMs', 'note', 'evidenceUrl'];

/**
 * Records a validated drill (`drillInput`; the caller has checked that its target is configured).
 * Idempotent by id: the same id with the same content is a repeat, with other content a conflict;
 * neither writes. Without an id one is generated.
 */
export function recordDrill(db: Db, input: DrillInput, opts: { now: number; source: DrillSource }): RecordOutcome {
  const drill: Drill = {
    id: input.id ?? `drill-${randomUUID()}`,
    targetId: input.target,
    backupId: input.backupId ?? null,
    result: input.result,
    at: input.at,
    durationMs: input.durationMs ?? null,
    note: input.note ?? null,
    evidenceUrl: input.evidenceUrl ?? null,
    recordedAt: opts.now,
    source: opts.source,
  };
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO drills (id, target_id, backup_id, result, at, duration_ms, note, evidence_url, recorded_at, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING *`,
  );
  const write = c.transaction((): boolean => {
    const row = insert.get(
      drill.id,
      drill.targetId,
      drill.backupId,
      drill.result,
      drill.at,
      drill.durationMs,
      drill.note,
      drill.evidenceUrl,
      opts.now,
      opts.source,
    ) as Row | undefined;
    if (row) appendEvidence(db, 'drill', { ref: row.id, at: row.recorded_at, row: { ...row } });
    return row !== undefined;
  });
  if (write.immediate()) return { kind: 'created', drill };
  const existing = toDrill(c.prepare(`SELECT * FROM drills WHERE id = ?`).get(drill.id) as Row);
  const fields = CONTENT.filter((k) => existing[k] !== drill[k]);
  return fields.length === 0 ? { kind: 'repeat', drill: existing } : { kind: 'conflict', drill: existing, fields };
}

/**
 * Whether the drills table exists: read-only commands (`history`, `drill list`) open the database without
 * migrating it, and one not yet migrated since drills came has none, which means no drill on record.
 */
const hasDrills = (db: Db): boolean =>
  db.$client.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drills'`).get() !== undefined;

/** Every drill (of one target, when given), newest first. */
export function listDrills(db: Db, targetId?: string): Drill[] {
  if (!hasDrills(db)) return [];
  const rows =
    targetId === undefined
      ? db.$client.prepare(`SELECT * FROM drills ORDER BY at DESC, id`).all()
      : db.$client.prepare(`SELECT * FROM drills WHERE target_id = ? ORDER BY at DESC, id`).all(targetId);
  return (rows as Row[]).map(toDrill);
}

/** Drills of a target that took place at or after `since`, oldest first (for `history`). */
export function drillsSince(db: Db, targetId: string, since: number): Drill[] {
  if (!hasDrills(db)) return [];
  return (db.$client.prepare(`SELECT * FROM drills WHERE target_id = ? AND at >= ? ORDER BY at, id`).all(targetId, since) as Row[]).map(
    toDrill,
  );
}

/** The newest drill of a target that took place before `before` (the report's period end), or null. */
export function lastDrillBefore(db: Db, targetId: string, before: number): Drill | null {
  const r = prepared(db, `SELECT * FROM drills WHERE target_id = ? AND at < ? ORDER BY at DESC, id LIMIT 1`).get(targetId, before);
  return r === undefined ? null : toDrill(r as Row);
}

/** How many of a target's newest drills evaluation reads (the newest successful one is added when older). */
const RECENT_DRILLS = 20;

/**
 * The drills of a target known at `now` (taken place and recorded by then), newest first: the most
 * recent ones, and the newest successful one however old. What `TargetHistory.drills` holds.
 */
export function drillFacts(db: Db, targetId: string, now: number): DrillFact[] {
  const known = `SELECT * FROM drills WHERE target_id = ? AND at <= ? AND recorded_at <= ?`;
  const rows = prepared(db, `${known} ORDER BY at DESC, id LIMIT ${RECENT_DRILLS}`).all(targetId, now, now) as Row[];
  if (!rows.some((r) => r.result === 'ok')) {
    const lastOk = prepared(db, `${known} AND result = 'ok' ORDER BY at DESC, id LIMIT 1`).get(targetId, now, now) as Row | undefined;
    if (lastOk) rows.push(lastOk);
  }
  return rows.map((r) => ({
    id: r.id,
    result: r.result,
    at: r.at,
    durationMs: r.duration_ms,
    backupId: r.backup_id,
    note: r.note,
    recordedAt: r.recorded_at,
  }));
}

/** A drill as `drill list --json` and the HTTP API print it: instants in ISO-8601 UTC. */
export const drillJson = (d: Drill) => ({ ...d, at: iso(d.at), recordedAt: iso(d.recordedAt) });
