import type { AlertItem } from '../domain/alert.js';
import type { Db } from './client.js';
import { appendEvidence } from './evidence.js';

/** An outbox row claimed for sending. */
export interface ClaimedRow {
  readonly id: number;
  readonly channel: string;
  readonly attempts: number;
  readonly item: AlertItem;
}

type ClaimedRecord = { id: number; channel: string; attempts: number; kind: string; target_id: string; rule_id: string; payload: string };
const CLAIMED = 'id, channel, attempts, kind, target_id, rule_id, payload';
/** The item a row carries: the payload, with the kind, target and rule from their columns (src/db/findings.ts leaves them out). */
const toClaimed = (r: ClaimedRecord): ClaimedRow => ({
  id: r.id,
  channel: r.channel,
  attempts: r.attempts,
  item: { kind: r.kind, targetId: r.target_id, ruleId: r.rule_id, ...JSON.parse(r.payload) },
});

/**
 * Each channel's head: its oldest row still to go (pending, or claimed and in flight). A channel's rows
 * go out in the order they were raised, so the head decides when the channel is due: newer rows never
 * overtake an older one that is in backoff or being sent. A row that failed for good no longer counts.
 * (SQLite takes the bare columns from the row holding MIN(id).)
 */
const HEADS = `SELECT channel, MIN(id) AS id, status, next_attempt_at, created_at FROM notifications
  WHERE status IN ('pending', 'sending') GROUP BY channel`;

/** Channels whose head row is pending and due; `groupWaitMs` holds a channel until its head is that old. */
export function dueChannels(db: Db, now: number, groupWaitMs: number): string[] {
  return db.$client
    .prepare(`SELECT channel FROM (${HEADS}) WHERE status = 'pending' AND next_attempt_at <= ? AND created_at <= ? ORDER BY created_at, id`)
    .pluck()
    .all(now, now - groupWaitMs) as string[];
}

/**
 * Claims a channel's pending rows, oldest first, once its head row is due: they go out together, so the
 * channel's backoff is its oldest row's. Nothing is claimed while the head is in backoff or in flight.
 * One IMMEDIATE transaction: a row is claimed by exactly one caller, however many race (processes
 * included). The claim is a lease: a crashed sender's rows become due again.
 */
export function claimDue(db: Db, channel: string, now: number, owner: string, leaseMs: number, limit = 500): ClaimedRow[] {
  const c = db.$client;
  const claim = c.transaction((): ClaimedRecord[] => {
    const head = c
      .prepare(
        `SELECT status, next_attempt_at AS next FROM notifications
         WHERE channel = ? AND status IN ('pending', 'sending') ORDER BY id LIMIT 1`,
      )
      .get(channel) as { status: string; next: number } | undefined;
    if (head?.status !== 'pending' || head.next > now) return [];
    return c
      .prepare(
        `UPDATE notifications SET status = 'sending', claimed_by = ?, claimed_until = ?
         WHERE id IN (SELECT id FROM notifications WHERE channel = ? AND status = 'pending' ORDER BY id LIMIT ?) AND status = 'pending'
         RETURNING ${CLAIMED}`,
      )
      .all(owner, now + leaseMs, channel, limit) as ClaimedRecord[];
  });
  return claim
    .immediate()
    .sort((a, b) => a.id - b.id)
    .map(toClaimed);
}

/** The rows of `ids` still claimed (status `sending`), by id: what a delivery outcome reported later can settle. */
export function claimedRows(db: Db, ids: readonly number[]): ClaimedRow[] {
  if (ids.length === 0) return [];
  const rows = db.$client
    .prepare(
      `SELECT ${CLAIMED} FROM notifications
       WHERE status = 'sending' AND id IN (${ids.map(() => '?').join(',')}) ORDER BY id`,
    )
    .all(...ids) as ClaimedRecord[];
  return rows.map(toClaimed);
}

/** Every claim in flight: who holds it and until when. */
export function claims(db: Db): { readonly id: number; readonly claimedBy: string | null; readonly claimedUntil: number | null }[] {
  return db.$client
    .prepare(`SELECT id, claimed_by AS claimedBy, claimed_until AS claimedUntil FROM notifications WHERE status = 'sending'`)
    .all() as { id: number; claimedBy: string | null; claimedUntil: number | null }[];
}

/** Puts claimed rows back in the outbox (still `pending`, attempts unchanged), in one transaction. */
export function releaseClaims(db: Db, ids: readonly number[]): void {
  const release = db.$client.prepare(
    `UPDATE notifications SET status = 'pending', claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'sending'`,
  );
  db.$client.transaction(() => {
    for (const id of ids) release.run(id);
  })();
}

/** How one claimed row's delivery attempt ended, as the outbox keeps it. */
export type AttemptResult =
  | { readonly outcome: 'sent' }
  | { readonly outcome: 'retry'; readonly nextAttemptAt: number; readonly error: string }
  | { readonly outcome: 'failed'; readonly error: string };

/**
 * Records one delivery attempt of claimed rows in one transaction: each row sent, back to pending
 * with its next attempt, or failed for good, and a notification_attempts row for each.
 */
export function recordAttempts(db: Db, rows: readonly ClaimedRow[], now: number, result: (row: ClaimedRow) => AttemptResult): void {
  const c = db.$client;
  const attempt = c.prepare(`INSERT INTO notification_attempts (notification_id, at, channel, outcome, error) VALUES (?, ?, ?, ?, ?)`);
  const sent = c.prepare(
    `UPDATE notifications SET status = 'sent', attempts = ?, sent_at = ?, claimed_by = NULL, claimed_until = NULL, last_error = NULL
     WHERE id = ? RETURNING *`,
  );
  const unsent = c.prepare(
    `UPDATE notifications SET status = ?, attempts = ?, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL, last_error = ?
     WHERE id = ?`,
  );
  c.transaction(() => {
    for (const r of rows) {
      const attempts = r.attempts + 1;
      const res = result(r);
      if (res.outcome === 'sent') {
        const row = sent.get(attempts, now, r.id) as Record<string, unknown> | undefined;
        if (row) appendEvidence(db, 'notification', { ref: String(r.id), at: now, row });
        attempt.run(r.id, now, r.channel, 'sent', null);
      } else {
        const retry = res.outcome === 'retry';
        unsent.run(retry ? 'pending' : 'failed', attempts, retry ? res.nextAttemptAt : now, res.error, r.id);
        attempt.run(r.id, now, r.channel, res.outcome, res.error);
      }
    }
  })();
}

/** Notifications of one channel that are still pending or failed for good. */
export interface OutboxProblem {
  channel: string;
  status: 'pending' | 'failed';
  count: number;
  lastError: string | null;
}

/** Undelivered notifications by channel, so a broken channel is visible where people look. */
export function outboxProblems(db: Db): OutboxProblem[] {
  return db.$client
    .prepare(
      `SELECT channel, status, COUNT(*) AS count, (SELECT last_error FROM notifications n2 WHERE n2.channel = n.channel
         AND n2.status = n.status AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS lastError
       FROM notifications n WHERE status IN ('pending', 'failed') GROUP BY channel, status ORDER BY channel, status`,
    )
    .all() as OutboxProblem[];
}
