import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import type { BackupKind } from '../src/domain/backup.js';
import { ago, at, span } from './format.js';
import { backupKinds, kindCounts, kindsNote } from './params.js';
import { alarm, type BackupFact, defineRule, ok } from './types.js';

/** Alarms when no completed backup (of the listed kinds, if any) ended within `maxAge` of now. */
export const recentSuccess = defineRule({
  id: 'recent-success',
  description: 'a completed backup ended within maxAge',
  defaultSeverity: 'critical',
  needsSuccessfulPoll: true,
  judgesListingAlone: true,
  params: z.strictObject({
    maxAge: duration.prefault('24h').describe('the newest completed backup must have ended within this (90m, 24h, 7d, PT24H)'),
    kinds: backupKinds,
  }),
  evaluate({ history, now, params }) {
    const last = lastCompleted(history.backups, now, params.kinds);
    const policy = `policy ${span(params.maxAge)}${kindsNote(params.kinds)}`;
    if (!last) return alarm(`no completed backup on record; ${policy}`);
    const age = now - last.endedAt;
    const details = { backupId: last.backupId, endedAt: last.endedAt, ageMs: age, maxAgeMs: params.maxAge };
    return age <= params.maxAge
      ? ok(`last completed backup ended ${at(last.endedAt)}, ${ago(age)} ago; ${policy}`, details)
      : alarm(`last completed backup ended ${at(last.endedAt)}, ${ago(age)} ago; ${policy}`, details);
  },
});

/** The completed backup that ended last at or before `now`, among `kinds` (all kinds when empty). */
export function lastCompleted(
  backups: readonly BackupFact[],
  now: number,
  kinds: readonly BackupKind[] = [],
): (BackupFact & { endedAt: number }) | undefined {
  let best: (BackupFact & { endedAt: number }) | undefined;
  for (const b of backups) {
    if (b.status !== 'completed' || b.endedAt === null || b.endedAt > now) continue;
    if (!kindCounts(kinds, b.kind)) continue;
    if (!best || b.endedAt > best.endedAt) best = b as BackupFact & { endedAt: number };
  }
  return best;
}
