import type { Statement } from 'better-sqlite3';
import type { NormalizedBackup } from '../domain/backup.js';
import type { PollRecord } from '../domain/poll.js';
import type { Db } from './client.js';
import { contentHash, dedupeBackups } from './content-hash.js';
import { appendEvidence, hashBytes } from './evidence.js';
import type { Row } from './evidence-records.js';
import { keepPages } from './poll-pages.js';
import { offerToRun, sealRunOf } from './poll-runs.js';
import { perConnection } from './statements.js';

export { contentHash, dedupeBackups } from './content-hash.js';

export interface IngestSummary {
  readonly pollId: number;
  readonly items: number;
  readonly newBackups: number;
  readonly statusChanges: number;
  /** True when this target's slot was already ingested (a redelivered job): nothing was written. */
  readonly duplicate: boolean;
  /** True when the poll joined its target's open run of identical polls (`pollId` is the run's) instead of adding a row. */
  readonly extended: boolean;
}

interface Statements {
  insertPoll: Statement;
  selectBackup: Statement;
  insertBackup: Statement;
  updateBackup: Statement;
  updateBackupUnindexed: Statement;
  insertEvent: Statement;
}

// Prepared statements rather than the query builder: ingest runs for every backup of every poll, and the builder's
// overhead would dominate it.
const statements = perConnection(
  (client): Statements => ({
    insertPoll: client.prepare(
      `INSERT INTO poll_runs (target_id, slot, started_at, finished_at, outcome, error_kind, error_code, error_message, pages, items,
           problem_items, problems, content_hash, request_id, error_permanent, polls, open)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target_id, slot) DO NOTHING`,
    ),
    // What the backups indexes hold: a re-listed backup whose status, kind and end are unchanged (nearly
    // all of them) is updated without touching either index.
    selectBackup: client.prepare(`SELECT status, kind, ended_at FROM backups WHERE target_id = ? AND backup_id = ?`).raw(true),
    insertBackup: client.prepare(
      `INSERT INTO backups (target_id, backup_id, name, kind, "trigger", status, raw_status, started_at, ended_at, size_bytes, raw,
           first_seen_at, first_seen_poll, last_seen_at, last_seen_poll)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateBackup: client.prepare(
      `UPDATE backups SET name = ?, kind = ?, "trigger" = ?, status = ?, raw_status = ?, started_at = ?, ended_at = ?, size_bytes = ?,
           raw = ?, last_seen_at = ?, last_seen_poll = ? WHERE target_id = ? AND backup_id = ?`,
    ),
    updateBackupUnindexed: client.prepare(
      `UPDATE backups SET name = ?, "trigger" = ?, raw_status = ?, started_at = ?, size_bytes = ?, raw = ?, last_seen_at = ?,
           last_seen_poll = ?
         WHERE target_id = ? AND backup_id = ?`,
    ),
    insertEvent: client.prepare(
      `INSERT INTO backup_events (target_id, backup_id, poll_id, at, from_status, to_status, raw_status) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  }),
);

/**
 * Writes one poll in one transaction: the poll_runs row, every backup upserted, and a backup_events row
 * for each first sighting and status change. A failed poll writes only its poll_runs row. Either all of
 * it is committed or none of it.
 */
export function recordPoll(db: Db, poll: PollRecord): IngestSummary {
  const s = statements(db);
  const run = db.$client.transaction((): IngestSummary => {
    const { outcome } = poll;
    if (!outcome.ok) {
      sealRunOf(db, poll.targetId);
      const r = s.insertPoll.run(
        poll.targetId,
        poll.slot ?? null,
        poll.startedAt,
        poll.finishedAt,
        'error',
        outcome.error.kind,
        outcome.error.code ?? null,
        outcome.error.message.slice(0, 2000),
        outcome.pages,
        0,
        0,
        null,
        null,
        outcome.error.requestId ?? null,
        outcome.error.permanent === undefined ? null : outcome.error.permanent ? 1 : 0,
        null,
        0,
      );
      if (r.changes === 0) return { pollId: 0, items: 0, newBackups: 0, statusChanges: 0, duplicate: true, extended: false };
      const pollId = Number(r.lastInsertRowid);
      chainPoll(db, pollId, poll, {
        outcome: 'error',
        error_kind: outcome.error.kind,
        error_code: outcome.error.code ?? null,
        pages: outcome.pages,
      });
      if (poll.pageBodies) keepPages(db, pollId, poll.pageBodies, poll.finishedAt);
      return { pollId, items: 0, newBackups: 0, statusChanges: 0, duplicate: false, extended: false };
    }
    const list = dedupeBackups(outcome.backups);
    const hash = contentHash(list);
    const withProblems = list.filter((b) => b.problems && b.problems.length > 0);
    const sample = withProblems.slice(0, 20).flatMap((b) => (b.problems ?? []).map((p) => `${b.backupId}: ${p}`));
    const offer = offerToRun(db, poll.targetId, {
      slot: poll.slot ?? null,
      finishedAt: poll.finishedAt,
      contentHash: hash,
      pages: outcome.pages,
      problemItems: withProblems.length,
      // Pages past the cap were not kept, so the run could not show they were the same.
      bodies: poll.pageBodies?.omitted ? null : poll.pageBodies?.bodies,
    });
    if (offer.kind === 'duplicate')
      return { pollId: 0, items: list.length, newBackups: 0, statusChanges: 0, duplicate: true, extended: false };
    const r =
      offer.kind === 'extended'
        ? null
        : s.insertPoll.run(
            poll.targetId,
            poll.slot ?? null,
            poll.startedAt,
            poll.finishedAt,
            'ok',
            null,
            null,
            null,
            outcome.pages,
            list.length,
            withProblems.length,
            sample.length > 0 ? JSON.stringify(sample) : null,
            hashBytes(hash),
            null,
            null,
            1,
            1,
          );
    if (r?.changes === 0) return { pollId: 0, items: list.length, newBackups: 0, statusChanges: 0, duplicate: true, extended: false };
    const pollId = offer.kind === 'extended' ? offer.runId : Number(r?.lastInsertRowid);
    // A new run is chained when it is sealed (src/db/poll-runs.ts); its pages are immutable and chained now.
    if (r && poll.pageBodies) keepPages(db, pollId, poll.pageBodies, poll.finishedAt);
    const at = poll.finishedAt;
    // A page kept whole holds each item it listed as received: the row need not hold it again.
    const pagesKept = poll.pageBodies !== undefined && poll.pageBodies.omitted === 0 && poll.pageBodies.bodies.length === outcome.pages;
    // A poll that joins its run with pages kept saw every row exactly as the run's first poll wrote it,
    // naming the run already: its sighting is the run's end (see LAST_SIGHTING), and nothing needs rewriting.
    if (offer.kind === 'extended' && pagesKept)
      return { pollId, items: list.length, newBackups: 0, statusChanges: 0, duplicate: false, extended: true };
    let newBackups = 0;
    let statusChanges = 0;
    const events: Row[] = [];
    for (const b of list) {
      const raw = pagesKept ? null : JSON.stringify(b.raw);
      const stored = s.selectBackup.get(poll.targetId, b.backupId) as [status: string, kind: string, endedAt: number | null] | undefined;
      const previous = stored?.[0];
      if (previous === undefined) {
        s.insertBackup.run(
          poll.targetId,
          b.backupId,
          b.name,
          b.kind,
          b.trigger,
          b.status,
          b.rawStatus,
          b.startedAt,
          b.endedAt,
          b.sizeBytes,
          raw,
          at,
          pollId,
          at,
          pollId,
        );
        const id = s.insertEvent.run(poll.targetId, b.backupId, pollId, at, null, b.status, b.rawStatus).lastInsertRowid;
        events.push(eventRow(id, poll, b, pollId, null));
        newBackups++;
      } else if (previous === b.status && stored?.[1] === b.kind && stored[2] === b.endedAt) {
        s.updateBackupUnindexed.run(b.name, b.trigger, b.rawStatus, b.startedAt, b.sizeBytes, raw, at, pollId, poll.targetId, b.backupId);
      } else {
        s.updateBackup.run(
          b.name,
          b.kind,
          b.trigger,
          b.status,
          b.rawStatus,
          b.startedAt,
          b.endedAt,
          b.sizeBytes,
          raw,
          at,
          pollId,
          poll.targetId,
          b.backupId,
        );
        if (previous !== b.status) {
          const id = s.insertEvent.run(poll.targetId, b.backupId, pollId, at, previous, b.status, b.rawStatus).lastInsertRowid;
          events.push(eventRow(id, poll, b, pollId, previous));
          statusChanges++;
        }
      }
    }
    const first = events[0]?.id;
    if (first !== undefined) appendEvidence(db, 'backup-events', { ref: `${first}-${events.at(-1)?.id}`, at, row: events });
    return { pollId, items: list.length, newBackups, statusChanges, duplicate: false, extended: offer.kind === 'extended' };
  });
  return run.immediate();
}

/** Appends a poll_runs row just written to the evidence chain, as the row reads back. */
function chainPoll(db: Db, id: number, poll: PollRecord, fields: Readonly<Record<string, string | number | null>>): void {
  const row = {
    id,
    target_id: poll.targetId,
    slot: poll.slot ?? null,
    started_at: poll.startedAt,
    finished_at: poll.finishedAt,
    error_kind: null,
    error_code: null,
    items: 0,
    content_hash: null,
    ...fields,
  };
  appendEvidence(db, 'poll', { ref: String(id), at: poll.finishedAt, row });
}

/** A backup_events row just written, as it reads back: what the poll's `backup-events` link covers. */
const eventRow = (id: number | bigint, poll: PollRecord, b: NormalizedBackup, pollId: number, from: string | null): Row => ({
  id: Number(id),
  target_id: poll.targetId,
  backup_id: b.backupId,
  poll_id: pollId,
  at: poll.finishedAt,
  from_status: from,
  to_status: b.status,
  raw_status: b.rawStatus,
});
