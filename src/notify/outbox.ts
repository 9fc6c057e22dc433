import { hostname } from 'node:os';
import { errorMessage } from '../core/errors.js';
import { processAlive } from '../core/process.js';
import type { Db } from '../db/client.js';
import { type ClaimedRow, claimedRows, claims, recordAttempts, releaseClaims } from '../db/outbox.js';
import type { SentOutcome } from './send.js';

/** Who holds a claim: host and pid, so a restarted owner can tell its dead predecessor's claims from a live worker's. */
export const claimOwner = (pid: number = process.pid): string => `${hostname()}:${pid}`;

/** Gives back claims whose lease ran out, or that a dead process on this host held (SIGKILL mid-send): at-least-once delivery. */
export function releaseOrphans(db: Db, now: number, isAlive: (pid: number) => boolean = processAlive): number {
  const host = hostname();
  const orphans = claims(db).filter((r) => {
    if ((r.claimedUntil ?? 0) < now || !r.claimedBy) return true;
    const at = r.claimedBy.lastIndexOf(':');
    const pid = Number(r.claimedBy.slice(at + 1));
    return r.claimedBy.slice(0, at) === host && pid !== process.pid && !isAlive(pid);
  });
  releaseClaims(
    db,
    orphans.map((r) => r.id),
  );
  return orphans.length;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_DELIVERY_RETRY: RetryPolicy = { maxAttempts: 12, baseMs: 30_000, maxMs: 3_600_000 };

/** How settling went for the rows: all sent, to be retried, or failed for good. */
export type SettleVerdict = 'sent' | 'retry' | 'failed';

/**
 * Records the outcome of one delivery of claimed rows: sent, retry later with backoff and jitter (and
 * never before the server's Retry-After), or failed for good (permanent, or out of attempts).
 */
export function settle(
  db: Db,
  rows: readonly ClaimedRow[],
  now: number,
  outcome: SentOutcome,
  policy: RetryPolicy = DEFAULT_DELIVERY_RETRY,
  random: () => number = Math.random,
): SettleVerdict {
  let verdict: SettleVerdict = 'sent';
  recordAttempts(db, rows, now, (r) => {
    if (outcome.ok) return { outcome: 'sent' };
    const attempts = r.attempts + 1;
    const error = errorMessage(outcome.message).slice(0, 1000);
    if (outcome.permanent || attempts >= policy.maxAttempts) {
      verdict = 'failed';
      return { outcome: 'failed', error };
    }
    verdict = 'retry';
    const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempts - 1));
    // Retrying before a throttling server's Retry-After only earns another 429.
    const wait = Math.max(Math.round(backoff / 2 + (random() * backoff) / 2), outcome.retryAfterMs ?? 0);
    return { outcome: 'retry', nextAttemptAt: now + wait, error };
  });
  return verdict;
}

/** Settles outbox rows by id with an outcome reported from wherever the digest was sent. Rows no longer claimed are skipped. */
export function settleSent(
  db: Db,
  ids: readonly number[],
  now: number,
  outcome: SentOutcome,
  policy?: RetryPolicy,
  random?: () => number,
): SettleVerdict | 'none' {
  const rows = claimedRows(db, ids);
  return rows.length === 0 ? 'none' : settle(db, rows, now, outcome, policy, random);
}
