import type { Statement } from 'better-sqlite3';
import type { BackupFact, HistoryNeeds, PollFact, TargetHistory } from '../../rules/types.js';
import { compareText } from '../core/text.js';
import { BACKUP_KINDS, type BackupKind, type BackupStatus } from '../domain/backup.js';
import type { Db } from './client.js';
import { perConnection } from './statements.js';

/**
 * A backups row in COLUMNS order, read as an array: evaluation reads dozens for every target, and
 * building an object with named columns for each row would add to every evaluation.
 */
type BackupRow = [
  backupId: string,
  name: string | null,
  kind: BackupKind,
  status: BackupStatus,
  rawStatus: string,
  startedAt: number | null,
  endedAt: number | null,
  sizeBytes: number | null,
  firstSeenAt: number,
];

interface PollRow {
  started_at: number;
  finished_at: number;
  last_finished_at: number | null;
  outcome: 'ok' | 'error';
  error_kind: string | null;
  error_code: string | null;
  error_message: string | null;
  request_id: string | null;
  error_permanent: number | null;
}

const COLUMNS = 'backup_id, name, kind, status, raw_status, started_at, ended_at, size_bytes, first_seen_at';
const POLL_COLUMNS =
  'started_at, finished_at, last_finished_at, outcome, error_kind, error_code, error_message, request_id, error_permanent';

type Statements = Record<
  'all' | 'count' | 'changedLater' | 'laterIds' | 'eventsUntil' | 'recent' | 'oldestCompleted' | 'lastOkPoll',
  Statement
> & {
  /** By LIMIT: see `limited`. */
  readonly newestCompleted: Map<number, Statement>;
  readonly newestSized: Map<number, Statement>;
  readonly polls: Map<number, Statement>;
};

const COMPLETED_OF_KIND = `SELECT ${COLUMNS} FROM backups
  WHERE target_id = ? AND status = 'completed' AND kind = ? AND ended_at <= ? AND first_seen_at <= ?`;

/**
 * A statement with its LIMIT written in, prepared once per limit: SQLite runs the same query with a
 * bound `LIMIT ?` markedly slower, and these queries run three times for every target evaluated.
 */
function limited(c: Db['$client'], byLimit: Map<number, Statement>, limit: number, sql: (limit: number) => string, raw = false): Statement {
  let st = byLimit.get(limit);
  if (!st) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`history: LIMIT must be a positive integer, got ${limit}`);
    st = c.prepare(sql(limit)).raw(raw);
    byLimit.set(limit, st);
  }
  return st;
}

/** Prepared once per connection: evaluation runs these for every target. */
const statements = perConnection(
  (c): Statements => ({
    all: c.prepare(`SELECT ${COLUMNS} FROM backups WHERE target_id = ? AND first_seen_at <= ?`).raw(true),
    count: c.prepare(`SELECT count(*) FROM backups WHERE target_id = ?`).pluck(),
    changedLater: c.prepare(`SELECT 1 FROM backup_events WHERE target_id = ? AND at > ? LIMIT 1`).pluck(),
    laterIds: c.prepare(`SELECT DISTINCT backup_id FROM backup_events WHERE target_id = ? AND at > ?`).pluck(),
    eventsUntil: c.prepare(`SELECT backup_id, to_status, raw_status FROM backup_events WHERE target_id = ? AND at <= ? ORDER BY at, id`),
    // One indexed search per branch; `(ended_at >= ? OR ended_at IS NULL)` and UNION made SQLite walk every row of
    // the target, a cost that grows with its history. Duplicates are merged by boundedBackups.
    recent: c
      .prepare(
        `SELECT ${COLUMNS} FROM backups WHERE target_id = ? AND ended_at >= ? AND first_seen_at <= ?
         UNION ALL SELECT ${COLUMNS} FROM backups WHERE target_id = ? AND ended_at IS NULL AND first_seen_at <= ?
         UNION ALL SELECT ${COLUMNS} FROM backups WHERE target_id = ? AND status = 'running' AND first_seen_at <= ?`,
      )
      .raw(true),
    // Ties break by backup_id like `byBackupId` below, so a LIMIT keeps the backup a rule would pick from all of them.
    newestCompleted: new Map(),
    newestSized: new Map(),
    oldestCompleted: c.prepare(`${COMPLETED_OF_KIND} ORDER BY ended_at ASC, backup_id ASC LIMIT 1`).raw(true),
    polls: new Map(),
    lastOkPoll: c.prepare(
      `SELECT ${POLL_COLUMNS} FROM poll_runs WHERE target_id = ? AND outcome = 'ok' AND finished_at <= ?
         ORDER BY finished_at DESC, id DESC LIMIT 1`,
    ),
  }),
);

const newestCompleted = (db: Db, s: Statements, n: number) =>
  limited(db.$client, s.newestCompleted, n, (l) => `${COMPLETED_OF_KIND} ORDER BY ended_at DESC, backup_id ASC LIMIT ${l}`, true);
const newestSized = (db: Db, s: Statements, n: number) =>
  limited(
    db.$client,
    s.newestSized,
    n,
    (l) => `${COMPLETED_OF_KIND} AND size_bytes IS NOT NULL ORDER BY ended_at DESC, backup_id ASC LIMIT ${l}`,
    true,
  );
const recentPolls = (db: Db, s: Statements, n: number) =>
  limited(
    db.$client,
    s.polls,
    n,
    (l) => `SELECT ${POLL_COLUMNS} FROM poll_runs WHERE target_id = ? AND finished_at <= ? ORDER BY finished_at DESC, id DESC LIMIT ${l}`,
  );

export interface HistoryOptions {
  /** How many recent polls rules may look at (the newest successful one is added when older). */
  readonly pollLimit?: number;
  /** What the enabled rules read; without it every backup is loaded. */
  readonly needs?: HistoryNeeds;
  /** With `needs`, targets with at most this many backups are read whole anyway (cheaper); default 32. */
  readonly readAllUpTo?: number;
}

/**
 * Up to this many backups, reading all of a target's rows in one query is cheaper than the six or
 * seven indexed queries of the bounded read: each query has a fixed cost that a few extra rows do
 * not outweigh. Rules say the same on both (test/db/history-bounded.test.ts), so this only decides
 * the cost.
 */
const SMALL_HISTORY = 32;

/**
 * One canonical order for every history: rules pick the first of equals (two backups ending the same
 * second), so the same backups must come in the same order however they were loaded.
 */
const byBackupId = (a: BackupFact, b: BackupFact): number => compareText(a.backupId, b.backupId);

const toFact = ([backupId, name, kind, status, rawStatus, startedAt, endedAt, sizeBytes, firstSeenAt]: BackupRow): BackupFact => ({
  backupId,
  name,
  kind,
  status,
  rawStatus,
  startedAt,
  endedAt,
  sizeBytes,
  firstSeenAt,
});

/**
 * What was known about a target at `now`: backups first seen by then with their status as of then
 * (from backup_events), and the polls finished by then, newest first. Evaluating "as of" a past
 * instant therefore sees exactly what the auditor saw at that instant. For live evaluation (no status
 * changed after `now`) with `needs`, only the backups the rules read are loaded, through indexes,
 * unless the target has so few that reading them all is cheaper.
 */
export function loadHistory(db: Db, targetId: string, now: number, opts: HistoryOptions = {}): TargetHistory {
  const s = statements(db);
  const live = s.changedLater.get(targetId, now) === undefined;
  let backups: BackupFact[];
  if (!live) backups = allBackupsAsOf(s, targetId, now);
  else if (opts.needs && (s.count.get(targetId) as number) > (opts.readAllUpTo ?? SMALL_HISTORY))
    backups = boundedBackups(db, s, targetId, now, opts.needs);
  else backups = (s.all.all(targetId, now) as BackupRow[]).map(toFact);
  backups.sort(byBackupId);
  const rows = recentPolls(db, s, opts.pollLimit ?? 200).all(targetId, now) as PollRow[];
  // A long outage pushes the last success out of the window; poll-failing still needs to know when it was.
  if (!rows.some((p) => p.outcome === 'ok')) {
    const lastOk = s.lastOkPoll.get(targetId, now) as PollRow | undefined;
    if (lastOk) rows.push(lastOk);
  }
  const polls = rows.map(
    (p): PollFact => ({
      startedAt: p.started_at,
      // A run of identical polls (src/db/poll-runs.ts) is its last poll when that was by `now`; else its
      // first, the one poll of it known to be that old.
      finishedAt: p.last_finished_at !== null && p.last_finished_at <= now ? p.last_finished_at : p.finished_at,
      ok: p.outcome === 'ok',
      errorKind: p.error_kind,
      errorCode: p.error_code,
      errorMessage: p.error_message,
      requestId: p.request_id,
      permanent: p.error_permanent === 1,
    }),
  );
  return { backups, polls };
}

function boundedBackups(db: Db, s: Statements, targetId: string, now: number, needs: HistoryNeeds): BackupFact[] {
  const byId = new Map<string, BackupRow>();
  const add = (rows: unknown[]) => {
    for (const r of rows as BackupRow[]) byId.set(r[0], r);
  };
  add(s.recent.all(targetId, now - (needs.lookbackMs ?? 0), now, targetId, now, targetId, now));
  const depth = Math.max(1, needs.recentCompleted ?? 1);
  for (const kind of BACKUP_KINDS) {
    const newest = newestCompleted(db, s, depth).all(targetId, kind, now, now) as BackupRow[];
    add(newest);
    // Fewer rows than asked for are all there is of this kind (the oldest and every sized one among
    // them); most targets have one kind, so the other kinds cost one query, not three.
    if (newest.length < depth) continue;
    // The newest sized ones are these when all of these have a size (same order, same ties).
    if (depth > 1 && newest.some((r) => r[7] === null)) add(newestSized(db, s, depth).all(targetId, kind, now, now));
    add(s.oldestCompleted.all(targetId, kind, now, now));
  }
  return [...byId.values()].map(toFact);
}

function allBackupsAsOf(s: Statements, targetId: string, now: number): BackupFact[] {
  const rows = s.all.all(targetId, now) as BackupRow[];
  // Only backups whose status changed after `now` need their older status looked up.
  const later = new Set(s.laterIds.all(targetId, now) as string[]);
  const asOf = new Map<string, { to_status: BackupStatus; raw_status: string }>();
  if (later.size > 0) {
    for (const e of s.eventsUntil.all(targetId, now) as { backup_id: string; to_status: BackupStatus; raw_status: string }[]) {
      if (later.has(e.backup_id)) asOf.set(e.backup_id, e);
    }
  }
  return rows.map((r) => {
    const e = asOf.get(r[0]);
    const fact = toFact(r);
    return e ? { ...fact, status: e.to_status, rawStatus: e.raw_status } : fact;
  });
}
