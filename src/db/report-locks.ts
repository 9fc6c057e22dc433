import type { Db } from './client.js';

/**
 * "Exactly one scheduled report per period and channel", however many daemons run the schedule: an
 * optimistic lock in the `meta` table. The first process to insert `report:<period>:<channel>` sends;
 * the others see the row and skip. The row then records the outcome. A holder that dies mid-send
 * leaves a lease that runs out, after which a retry may take over; a transient failure releases the
 * row at once so the job's retry can claim it.
 */

/** What the lock row says. */
export type ReportLock =
  | { readonly state: 'sending'; readonly owner: string; readonly until: number }
  | { readonly state: 'sent'; readonly owner: string; readonly at: number }
  | { readonly state: 'failed'; readonly owner: string; readonly at: number; readonly error: string };

/** The meta key of one period's report on one channel. */
export const reportLockKey = (period: string, channel: string): string => `report:${period}:${channel}`;

/**
 * Claims the right to send: true for exactly one caller per key, unless the previous holder's lease
 * ran out while it was still `sending` (it died), in which case one later caller takes over.
 */
export function claimReport(db: Db, key: string, owner: string, now: number, leaseMs: number): boolean {
  const value = JSON.stringify({ state: 'sending', owner, until: now + leaseMs });
  const c = db.$client;
  if (c.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`).run(key, value).changes === 1) return true;
  // One conditional UPDATE: of two callers that both find the lease expired, only the first matches.
  return (
    c
      .prepare(
        `UPDATE meta SET value = ? WHERE key = ? AND json_extract(value, '$.state') = 'sending' AND json_extract(value, '$.until') < ?`,
      )
      .run(value, key, now).changes === 1
  );
}

/** Records that the holder sent the report. */
export function markReportSent(db: Db, key: string, owner: string, now: number): void {
  db.$client
    .prepare(`UPDATE meta SET value = ? WHERE key = ? AND json_extract(value, '$.owner') = ?`)
    .run(JSON.stringify({ state: 'sent', owner, at: now }), key, owner);
}

/** Records a permanent failure: no scheduled retry will help; `report --send` re-sends after the channel is fixed. */
export function markReportFailed(db: Db, key: string, owner: string, now: number, error: string): void {
  db.$client
    .prepare(`UPDATE meta SET value = ? WHERE key = ? AND json_extract(value, '$.owner') = ?`)
    .run(JSON.stringify({ state: 'failed', owner, at: now, error: error.slice(0, 500) }), key, owner);
}

/** Gives the claim back (a transient failure) so a retry, here or on another daemon, can send. */
export function releaseReport(db: Db, key: string, owner: string): void {
  db.$client
    .prepare(`DELETE FROM meta WHERE key = ? AND json_extract(value, '$.owner') = ? AND json_extract(value, '$.state') = 'sending'`)
    .run(key, owner);
}

/** The lock row of a key, if any. */
export function readReportLock(db: Db, key: string): ReportLock | undefined {
  const value = db.$client.prepare(`SELECT value FROM meta WHERE key = ?`).pluck().get(key) as string | undefined;
  return value === undefined ? undefined : (JSON.parse(value) as ReportLock);
}
