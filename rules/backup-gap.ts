import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import { compareText } from '../src/core/text.js';
import { at, backupLabel, span } from './format.js';
import { backupKinds, kindCounts, kindsNote } from './params.js';
import { alarm, type BackupFact, defineRule, ok } from './types.js';

type Ended = BackupFact & { endedAt: number };

/** One gap between two consecutive completed backups; `from` is null when the earlier one ended before the lookback. */
interface Gap {
  readonly from: Ended | null;
  readonly to: Ended;
  readonly ms: number;
}

/**
 * Alarms when two consecutive completed backups (by end time, of the listed kinds) whose later one ended
 * within `window` of now were further apart than `maxGap`: a missed night made up the next day stays
 * on record for `window`, where `recent-success` is satisfied again as soon as the next backup ends.
 * The gap still open (the newest backup to now) is recent-success's. `maxGap` is a fixed 26h by
 * default (a daily schedule with slack), not another rule's objective, so each rule reads alone.
 * Backups are looked at `window + maxGap` back: an earlier backup before a first one in the window is
 * known to be further than `maxGap` from it, and is not named.
 */
export const backupGap = defineRule({
  id: 'backup-gap',
  description: 'no two consecutive completed backups ending within window were further apart than maxGap',
  defaultSeverity: 'warning',
  needsSuccessfulPoll: true,
  judgesListingAlone: true,
  enabledByDefault: false,
  params: z.strictObject({
    window: duration.prefault('7d').describe('how long a gap, once closed by a later backup, stays in alarm (7d, 30d)'),
    maxGap: duration.prefault('26h').describe('the longest time allowed between two consecutive completed backups (26h, 8d)'),
    kinds: backupKinds,
  }),
  historyNeeds: (params) => ({ lookbackMs: params.window + params.maxGap }),
  evaluate({ history, now, params }) {
    const lookback = now - params.window - params.maxGap;
    const all = history.backups.filter(
      (b): b is Ended => b.status === 'completed' && b.endedAt !== null && b.endedAt <= now && kindCounts(params.kinds, b.kind),
    );
    const seen = all.filter((b) => b.endedAt >= lookback).sort((a, b) => a.endedAt - b.endedAt || compareText(a.backupId, b.backupId));
    const earlier = all.some((b) => b.endedAt < lookback);
    const gaps: Gap[] = [];
    seen.forEach((b, i) => {
      if (b.endedAt < now - params.window) return;
      const from = i > 0 ? (seen[i - 1] as Ended) : null;
      if (from === null && !earlier) return; // the first backup on record: nothing before it to be late for
      const ms = from === null ? b.endedAt - lookback : b.endedAt - from.endedAt;
      if (from === null || ms > params.maxGap) gaps.push({ from, to: b, ms });
    });
    const policy = `policy maxGap ${span(params.maxGap)} within ${span(params.window)}${kindsNote(params.kinds)}`;
    const worst = gaps.reduce<Gap | undefined>((w, g) => (!w || g.from === null || (w.from !== null && g.ms > w.ms) ? g : w), undefined);
    if (!worst) return ok(`no gap longer than ${span(params.maxGap)} between completed backups; ${policy}`);
    const more = gaps.length > 1 ? ` (${gaps.length} such gaps)` : '';
    const what =
      worst.from === null
        ? `no completed backup for more than ${span(worst.ms)} before ${backupLabel(worst.to)} ended ${at(worst.to.endedAt)}`
        : `${span(worst.ms)} between ${backupLabel(worst.from)} ended ${at(worst.from.endedAt)} and ` +
          `${backupLabel(worst.to)} ended ${at(worst.to.endedAt)}`;
    return alarm(`${what}${more}; ${policy}`, {
      fromBackupId: worst.from?.backupId ?? null,
      toBackupId: worst.to.backupId,
      gapMs: worst.ms,
      gaps: gaps.length,
    });
  },
});
