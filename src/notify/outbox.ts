import { hostname } from 'node:os';
import { errorMessage } from '../core/errors.js';
import type { Db } from '../db/client.js';
import type { AlertItem } from '../domain/alert.js';

/** Who holds a claim: host and pid, so a restarted owner can tell its dead predecessor's claims from a live worker's. */
export const claimOwner = (pid: number = process.pid): string => `${hostname()}:${pid}`;

export interface ClaimedRow {
  readonly id: number;
  readonly channel: string;
  readonly attempts: number;
  readonly item: AlertItem;
}

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
  const claim = c.transaction((): { id: number; channel: string; attempts: number; payload: string }[] => {
    const head = c
      .prepare(
        `SELECT status, next_attempt_at AS next FROM notifications WHERE channel = ? AND status IN ('pending', 'sending') ORDER BY id LIMIT 1`,
      )
      .get(channel) as { status: string; next: number } | undefined;
    if (head?.status !== 'pending' || head.next > now) return [];
    return c
      .prepare(
        `UPDATE notifications SET status = 'sending', claimed_by = ?, claimed_until = ?
         WHERE id IN (SELECT id FROM notifications WHERE channel = ? AND status = 'pending' ORDER BY id LIMIT ?) AND status = 'pending'
         RETURNING id, channel, attempts, payload`,
      )
      .all(owner, now + leaseMs, channel, limit) as { id: number; channel: string; attempts: number; payload: string }[];
  });
  return claim
    .immediate()
    .sort((a, b) => a.id - b.id)
    .map((r) => ({ id: r.id, channel: r.channel, attempts: r.attempts, item: JSON.parse(r.payload) as AlertItem }));
}

/** Gives back claims whose lease ran out, or that a dead process on this host held (SIGKILL mid-send): at-least-once delivery. */
export function releaseOrphans(db: Db, now: number, isAlive: (pid: number) => boolean = pidAlive): number {
  const host = hostname();
  const rows = db.$client.prepare(`SELECT id, claimed_by, claimed_until FROM notifications WHERE status = 'sending'`).all() as {
    id: number;
    claimed_by: string | null;
    claimed_until: number | null;
  }[];
  const orphans = rows.filter((r) => {
    if ((r.claimed_until ?? 0) < now || !r.claimed_by) return true;
    const [h, pid] = [r.claimed_by.slice(0, r.claimed_by.lastIndexOf(':')), Number(r.claimed_by.slice(r.claimed_by.lastIndexOf(':') + 1))];
    return h === host && pid !== process.pid && !isAlive(pid);
  });
  const release = db.$client.prepare(
    `UPDATE notifications SET status = 'pending', claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'sending'`,
  );
  db.$client.transaction(() => {
    for (const r of orphans) release.run(r.id);
  })();
  return orphans.length;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_DELIVERY_RETRY: RetryPolicy = { maxAttempts: 12, baseMs: 30_000, maxMs: 3_600_000 };

/**
 * What one delivery of a channel's digest came to. `retryAfterMs` is the far side's own
 * `Retry-After`: the next attempt waits at least that long, whatever the backoff says.
 */
export type DeliveryOutcome = { ok: true } | { ok: false; permanent: boolean; error: unknown; retryAfterMs?: number | undefined };

/**
 * Records the outcome of one delivery of claimed rows: sent, retry later with backoff and jitter (and
 * never before the server's Retry-After), or failed for good.
 */
export function settle(
  db: Db,
  rows: readonly ClaimedRow[],
  now: number,
  outcome: DeliveryOutcome,
  policy: RetryPolicy = DEFAULT_DELIVERY_RETRY,
  random: () => number = Math.random,
): 'sent' | 'retry' | 'failed' {
  const c = db.$client;
  const attempt = c.prepare(`INSERT INTO notification_attempts (notification_id, at, channel, outcome, error) VALUES (?, ?, ?, ?, ?)`);
  let verdict: 'sent' | 'retry' | 'failed' = 'sent';
  c.transaction(() => {
    for (const r of rows) {
      const attempts = r.attempts + 1;
      if (outcome.ok) {
        c.prepare(
          `UPDATE notifications SET status = 'sent', attempts = ?, sent_at = ?, claimed_by = NULL, claimed_until = NULL, last_error = NULL WHERE id = ?`,
        ).run(attempts, now, r.id);
        attempt.run(r.id, now, r.channel, 'sent', null);
        continue;
      }
      const message = errorMessage(outcome.error).slice(0, 1000);
      const giveUp = outcome.permanent || attempts >= policy.maxAttempts;
      verdict = giveUp ? 'failed' : 'retry';
      const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempts - 1));
      // Retrying before a throttling server's Retry-After only earns another 429.
      const next = now + Math.max(Math.round(backoff / 2 + (random() * backoff) / 2), outcome.retryAfterMs ?? 0);
      c.prepare(
        `UPDATE notifications SET status = ?, attempts = ?, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL, last_error = ? WHERE id = ?`,
      ).run(giveUp ? 'failed' : 'pending', attempts, giveUp ? now : next, message, r.id);
      attempt.run(r.id, now, r.channel, verdict, message);
    }
  })();
  return verdict;
}
