import { z } from 'zod';
import { duration } from '../core/duration.js';

/**
 * The shortest retention accepted: five weeks, so the weekly report and the longest rule window (the
 * retention rule's 14 days, a 28-day report range) always read detail that is still there.
 */
export const SHORTEST_RETENTION_MS = 35 * 86_400_000;

const kept = (what: string) =>
  duration.refine((ms) => ms >= SHORTEST_RETENTION_MS, `${what} must be kept at least 35d (the report and rule windows read them)`);

/**
 * How long detail is kept (src/db/retention.ts): polls with their backup events and backups gone from
 * the listing, the pages the provider answered, and delivered notifications. Absent: kept for ever.
 * Pruning leaves each pruned record's digest in its chain link and a `retention` link naming what went,
 * so `evidence verify` still passes over what remains.
 */
export const retention = z
  .strictObject({
    polls: kept('polls').optional(),
    pages: kept('pages').optional(),
    notifications: kept('notifications').optional(),
  })
  .refine((r) => r.pages === undefined || r.polls === undefined || r.pages <= r.polls, {
    message: 'pages cannot be kept longer than the polls that received them',
    path: ['pages'],
  });
export type Retention = z.infer<typeof retention>;
