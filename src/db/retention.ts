import type { EvidenceKind } from '../domain/evidence.js';
import type { Db } from './client.js';
import { appendEvidence, evidenceDigest, hashBytes } from './evidence.js';
import { type RetentionCutoffs, retentionRef } from './evidence-pruned.js';
import type { Row } from './evidence-records.js';
import { recordLookup } from './evidence-verify.js';
import { releaseBlobs } from './page-blobs.js';
import { LAST_SIGHTING } from './poll-runs.js';
import { perConnection } from './statements.js';

export type { RetentionCutoffs } from './evidence-pruned.js';

/** What one pruning removed. */
export interface PruneSummary {
  /** Chain links whose record went (each keeps its digest), by kind. */
  readonly links: Readonly<Partial<Record<EvidenceKind, number>>>;
  readonly backups: number;
  readonly blobs: number;
  readonly undelivered: number;
  /** The `retention` links appended: one per batch that removed something. */
  readonly checkpoints: number;
}

/** Links looked at in one transaction: short enough that the daemon's writers wait a moment only. */
const BATCH = 1000;

interface Link {
  seq: number;
  kind: EvidenceKind;
  ref: string;
  at: number;
}

const statements = perConnection((c) => ({
  // Each kind against its own cutoff (a null one matches nothing): with pages pruned and polls kept for
  // ever, the poll links would otherwise be read again on every run, a few more each day.
  links: c.prepare(
    `SELECT seq, kind, ref, at FROM evidence_chain WHERE seq > @after AND digest IS NULL
       AND (kind = 'poll-pages' AND at < @pages OR kind IN ('poll', 'poll-run', 'backup-events') AND at < @polls
         OR kind = 'notification' AND at < @notifications)
     ORDER BY seq LIMIT ${BATCH}`,
  ),
  poll: c.prepare(`SELECT * FROM poll_runs WHERE id = ?`),
  heldByBackup: c.prepare(`SELECT 1 FROM backups WHERE target_id = ? AND (first_seen_poll = @id OR last_seen_poll = @id) LIMIT 1`),
  hasEvents: c.prepare(`SELECT 1 FROM backup_events WHERE target_id = ? AND at = ? AND poll_id = ? LIMIT 1`),
  hasPages: c.prepare(`SELECT 1 FROM poll_pages WHERE poll_id = ? LIMIT 1`),
  keepDigest: c.prepare(`UPDATE evidence_chain SET digest = ? WHERE seq = ?`),
  deletePoll: c.prepare(`DELETE FROM poll_runs WHERE id = ?`),
  deletePages: c.prepare(`DELETE FROM poll_pages WHERE id BETWEEN ? AND ?`),
  deleteEvents: c.prepare(`DELETE FROM backup_events WHERE id BETWEEN ? AND ?`),
  deleteNotification: c.prepare(`DELETE FROM notifications WHERE id = ?`),
  deleteAttempts: c.prepare(`DELETE FROM notification_attempts WHERE notification_id = ?`),
}));

/**
 * Prunes what `cutoffs` no longer keeps without breaking the evidence chain: each record removed
 * leaves its digest in its link, so the chain still computes over it, and every batch appends a
 * `retention` link counting, by kind, the links it pruned and the cutoffs it applied, which `evidence
 * verify` checks those links against. A poll a kept backup row still names, or whose pages or events
 * are kept, is kept, with its events; a blob goes once no page row and no delta needs it.
 */
export function pruneEvidence(db: Db, cutoffs: RetentionCutoffs, now: number): PruneSummary {
  const c = db.$client;
  const bounds = { pages: cutoffs.pages ?? null, polls: cutoffs.polls ?? null, notifications: cutoffs.notifications ?? null };
  const links: Partial<Record<EvidenceKind, number>> = {};
  let backups = 0;
  let blobs = 0;
  let undelivered = 0;
  let checkpoints = 0;
  c.transaction(() => {
    // last_seen_at first: never later than the sighting, it spares most rows the run's lookup.
    const gone = `DELETE FROM backups WHERE last_seen_at < @cut AND ${LAST_SIGHTING} < @cut`;
    if (cutoffs.polls !== undefined) backups = c.prepare(gone).run({ cut: cutoffs.polls }).changes;
    if (cutoffs.notifications !== undefined) undelivered = pruneUndelivered(db, cutoffs.notifications);
  }).immediate();
  for (let after = 0; Object.values(bounds).some((b) => b !== null); ) {
    const batch = statements(db).links.all({ after, ...bounds }) as Link[];
    if (batch.length === 0) break;
    after = (batch.at(-1) as Link).seq;
    c.transaction(() => {
      const lookup = recordLookup(db);
      const pruned: Partial<Record<EvidenceKind, number>> = {};
      const released: Buffer[] = [];
      // Pages and events first: a poll goes only once nothing of it is left.
      for (const pass of [
        ['poll-pages', 'backup-events', 'notification'],
        ['poll', 'poll-run'],
      ]) {
        for (const link of batch.filter((l) => pass.includes(l.kind))) {
          const { row, missing } = lookup(link.kind, link.ref);
          if (missing !== null || !row || !prunable(db, link, row, cutoffs)) continue;
          statements(db).keepDigest.run(hashBytes(evidenceDigest(link.kind, link.ref, link.at, row)), link.seq);
          remove(db, link, row, released);
          pruned[link.kind] = (pruned[link.kind] ?? 0) + 1;
        }
      }
      if (Object.keys(pruned).length === 0) return;
      blobs += releaseBlobs(db, released);
      for (const [k, n] of Object.entries(pruned)) links[k as EvidenceKind] = (links[k as EvidenceKind] ?? 0) + n;
      appendEvidence(db, 'retention', { ref: retentionRef(cutoffs, pruned), at: now });
      checkpoints++;
    }).immediate();
  }
  return { links, backups, blobs, undelivered, checkpoints };
}

/** Whether the record of `link` is past its cutoff and nothing kept still needs it. */
function prunable(db: Db, link: Link, row: Row | readonly Row[], cutoffs: RetentionCutoffs): boolean {
  const s = statements(db);
  if (link.kind === 'notification') {
    const n = row as Row;
    return cutoffs.notifications !== undefined && n.status === 'sent' && (n.created_at as number) < cutoffs.notifications;
  }
  const pollId = link.kind === 'poll' || link.kind === 'poll-run' ? Number(link.ref) : ((row as readonly Row[])[0]?.poll_id as number);
  const poll = s.poll.get(pollId) as Row | undefined;
  if (!poll || poll.open === 1) return false;
  const last = (poll.last_finished_at ?? poll.finished_at) as number;
  const cutoff = link.kind === 'poll-pages' ? cutoffs.pages : cutoffs.polls;
  if (cutoff === undefined || last >= cutoff) return false;
  // The pages are evidence only: nothing reads a backup from them, and a backup still listed is in newer ones.
  if (link.kind === 'poll-pages') return true;
  if (s.heldByBackup.get(poll.target_id, { id: pollId }) !== undefined) return false;
  if (link.kind === 'backup-events') return true;
  return s.hasPages.get(pollId) === undefined && s.hasEvents.get(poll.target_id, poll.finished_at, pollId) === undefined;
}

/** Deletes the record of `link`; the page rows' blobs go to `released`. */
function remove(db: Db, link: Link, row: Row | readonly Row[], released: Buffer[]): void {
  const s = statements(db);
  if (link.kind === 'poll' || link.kind === 'poll-run') s.deletePoll.run(Number(link.ref));
  else if (link.kind === 'notification') {
    s.deleteAttempts.run(Number(link.ref));
    s.deleteNotification.run(Number(link.ref));
  } else {
    const rows = row as readonly Row[];
    if (link.kind === 'poll-pages') for (const r of rows) released.push(r.hash as Buffer);
    (link.kind === 'poll-pages' ? s.deletePages : s.deleteEvents).run(rows[0]?.id, rows.at(-1)?.id);
  }
}

/** Failed notifications (never chained: only a sent one is evidence) created before the cutoff. */
function pruneUndelivered(db: Db, cutoff: number): number {
  const c = db.$client;
  const where = `status = 'failed' AND created_at < ?`;
  c.prepare(`DELETE FROM notification_attempts WHERE notification_id IN (SELECT id FROM notifications WHERE ${where})`).run(cutoff);
  return c.prepare(`DELETE FROM notifications WHERE ${where}`).run(cutoff).changes;
}
