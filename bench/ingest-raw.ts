import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { NormalizedBackup } from '../src/domain/backup.js';

/** One poll as the ingest figure feeds it to every writer. */
export interface BenchPoll {
  readonly targetId: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly backups: readonly NormalizedBackup[];
}

/** Writes one poll in one transaction; the figure times a loop of these. */
export type PollWriter = (poll: BenchPoll) => void;

const BACKUP_COLUMNS = `target_id, backup_id, name, kind, "trigger", status, raw_status, started_at, ended_at, size_bytes, raw,
  first_seen_at, first_seen_poll, last_seen_at, last_seen_poll`;
const UPSERT = `INSERT INTO backups (${BACKUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (target_id, backup_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "trigger" = excluded."trigger",
    status = excluded.status, raw_status = excluded.raw_status, started_at = excluded.started_at, ended_at = excluded.ended_at,
    size_bytes = excluded.size_bytes, raw = excluded.raw, last_seen_at = excluded.last_seen_at, last_seen_poll = excluded.last_seen_poll`;

/**
 * The baseline: what a hand-written better-sqlite3 writer does to leave the same rows as recordPoll
 * (poll_runs, backups, and a backup_events row per first sighting or status change), with plain
 * prepared statements and one transaction per poll. It skips what is recordPoll's own policy and not
 * storage: de-duplication, the problem count and the content hash (content_hash stays null).
 */
export function rawEquivalentWriter(client: Database.Database): PollWriter {
  const insertPoll = client.prepare(
    `INSERT INTO poll_runs (target_id, started_at, finished_at, outcome, pages, items) VALUES (?, ?, ?, 'ok', ?, ?)`,
  );
  const status = client.prepare(`SELECT status FROM backups WHERE target_id = ? AND backup_id = ?`).pluck();
  const upsert = client.prepare(UPSERT);
  const event = client.prepare(
    `INSERT INTO backup_events (target_id, backup_id, poll_id, at, from_status, to_status, raw_status) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const write = client.transaction((poll: BenchPoll) => {
    const t = poll.targetId;
    const at = poll.finishedAt;
    const pollId = insertPoll.run(t, poll.startedAt, at, Math.ceil(poll.backups.length / 100), poll.backups.length).lastInsertRowid;
    for (const b of poll.backups) {
      const previous = status.get(t, b.backupId) as string | undefined;
      upsert.run(
        t,
        b.backupId,
        b.name,
        b.kind,
        b.trigger,
        b.status,
        b.rawStatus,
        b.startedAt,
        b.endedAt,
        b.sizeBytes,
        JSON.stringify(b.raw),
        at,
        pollId,
        at,
        pollId,
      );
      if (previous !== b.status) event.run(t, b.backupId, pollId, at, previous ?? null, b.status, b.rawStatus);
    }
  });
  return (poll) => write(poll);
}

/**
 * The floor, for information: the backups upserted and the poll row the foreign keys need, nothing
 * else (no history of first sightings or status changes).
 */
export function rawUpsertOnlyWriter(client: Database.Database): PollWriter {
  const insertPoll = client.prepare(
    `INSERT INTO poll_runs (target_id, started_at, finished_at, outcome, pages, items) VALUES (?, ?, ?, 'ok', ?, ?)`,
  );
  const upsert = client.prepare(UPSERT);
  const write = client.transaction((poll: BenchPoll) => {
    const t = poll.targetId;
    const at = poll.finishedAt;
    const pollId = insertPoll.run(t, poll.startedAt, at, Math.ceil(poll.backups.length / 100), poll.backups.length).lastInsertRowid;
    for (const b of poll.backups) {
      upsert.run(
        t,
        b.backupId,
        b.name,
        b.kind,
        b.trigger,
        b.status,
        b.rawStatus,
        b.startedAt,
        b.endedAt,
        b.sizeBytes,
        JSON.stringify(b.raw),
        at,
        pollId,
        at,
        pollId,
      );
    }
  });
  return (poll) => write(poll);
}

/**
 * A digest of what both writers must agree on: every backups row and every backup_events row
 * (ids included, so poll numbering must match too). content_hash, items/pages bookkeeping aside.
 */
export function storedDigest(client: Database.Database): { digest: string; backups: number; events: number; polls: number } {
  const h = createHash('sha256');
  let backups = 0;
  let events = 0;
  for (const row of client
    .prepare(`SELECT target_id, backup_id, name, kind, "trigger", status, raw_status, started_at, ended_at, size_bytes, raw,
      first_seen_at, first_seen_poll, last_seen_at, last_seen_poll FROM backups ORDER BY target_id, backup_id`)
    .raw()
    .iterate()) {
    h.update(JSON.stringify(row));
    backups++;
  }
  for (const row of client
    .prepare(`SELECT target_id, backup_id, poll_id, at, from_status, to_status, raw_status FROM backup_events ORDER BY id`)
    .raw()
    .iterate()) {
    h.update(JSON.stringify(row));
    events++;
  }
  const polls = client.prepare(`SELECT COUNT(*) FROM poll_runs`).pluck().get() as number;
  return { digest: h.digest('hex'), backups, events, polls };
}
