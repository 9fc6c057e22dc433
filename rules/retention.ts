import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import { ago, at, backupLabel, span } from './format.js';
import { backupKinds, kindCounts, kindsNote } from './params.js';
import { alarm, type BackupFact, defineRule, ok } from './types.js';

type Ended = BackupFact & { endedAt: number };

/**
 * Alarms when fewer than `minCount` completed backups ended within `window`, or, with `minAge` set,
 * when the oldest completed backup still on record ended less than `minAge` ago (history is being
 * pruned faster than the policy keeps it).
 */
export const retention = defineRule({
  id: 'retention',
  description: 'at least minCount completed backups within window; the oldest at least minAge old',
  defaultSeverity: 'warning',
  needsSuccessfulPoll: true,
  judgesListingAlone: true,
  params: z.strictObject({
    minCount: z.number().int().min(0).default(7).describe('completed backups required within window'),
    window: duration.prefault('7d').describe('the period in which minCount completed backups must have ended'),
    // Off unless set: a young target legitimately has no old backups yet.
    minAge: duration.nullable().default(null).describe('the oldest completed backup on record must be at least this old (off when null)'),
    kinds: backupKinds,
  }),
  historyNeeds: (params) => ({ lookbackMs: params.window }),
  evaluate({ history, now, params }) {
    // `completed` only: expired, deleting and unknown backups are not something a restore can rely on.
    const kept = history.backups
      .filter((b): b is Ended => b.status === 'completed' && b.endedAt !== null && b.endedAt <= now)
      .filter((b) => kindCounts(params.kinds, b.kind))
      .sort((x, y) => x.endedAt - y.endedAt);
    const since = now - params.window;
    const inWindow = kept.filter((b) => b.endedAt >= since);
    const oldest = kept[0];
    const countPolicy = `at least ${params.minCount} completed backup(s)${kindsNote(params.kinds)} within ${span(params.window)}`;
    const agePolicy = params.minAge === null ? '' : `, the oldest at least ${span(params.minAge)} old`;
    const policy = `policy ${countPolicy}${agePolicy}`;
    const problems: string[] = [];
    if (inWindow.length < params.minCount) {
      const newest = inWindow[inWindow.length - 1];
      problems.push(
        newest
          ? `only ${inWindow.length} completed backup(s) ended since ${at(since)} (newest ${backupLabel(newest)} at ${at(newest.endedAt)})`
          : `no completed backup ended since ${at(since)}`,
      );
    }
    if (params.minAge !== null && oldest && now - oldest.endedAt < params.minAge) {
      problems.push(
        `the oldest completed backup on record, ${backupLabel(oldest)}, ended ${at(oldest.endedAt)}, ` +
          `only ${ago(now - oldest.endedAt)} ago; check the provider retention setting`,
      );
    }
    // With minCount 0 the count says nothing about an empty record, so minAge has to.
    if (params.minAge !== null && !oldest && problems.length === 0) problems.push('no completed backup is on record at all');
    const details = {
      inWindow: inWindow.length,
      minCount: params.minCount,
      windowMs: params.window,
      oldestEndedAt: oldest?.endedAt ?? null,
      minAgeMs: params.minAge,
    };
    if (problems.length > 0) return alarm(`${problems.join('; and ')}; ${policy}`, details);
    const oldestNote = oldest ? `; the oldest on record ended ${at(oldest.endedAt)}, ${ago(now - oldest.endedAt)} ago` : '';
    return ok(`${inWindow.length} completed backup(s) ended since ${at(since)}${oldestNote}; ${policy}`, details);
  },
});
