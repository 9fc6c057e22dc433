import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import { at, backupLabel, span } from './format.js';
import { alarm, type BackupFact, defineRule, ok } from './types.js';

/** When a backup failed: its end, else its start, else when we first saw it (so a failure without times still alarms). */
const failedAt = (b: BackupFact): number => b.endedAt ?? b.startedAt ?? b.firstSeenAt;

/** Alarms when a backup failed within `lookback` and no completed backup ended after it. */
export const failedBackup = defineRule({
  id: 'failed-backup',
  description: 'a failed backup within lookback with no completed backup after it',
  defaultSeverity: 'warning',
  needsSuccessfulPoll: true,
  judgesListingAlone: true,
  params: z.strictObject({ lookback: duration.prefault('24h').describe('how far back a failure counts (90m, 24h, 7d, PT24H)') }),
  historyNeeds: (params) => ({ lookbackMs: params.lookback }),
  evaluate({ history, now, params }) {
    const since = now - params.lookback;
    const failures = history.backups
      .filter((b) => b.status === 'failed')
      .map((b) => ({ b, t: failedAt(b) }))
      .filter(({ t }) => t >= since && t <= now);
    const lastSuccess = history.backups.reduce(
      (max, b) => (b.status === 'completed' && b.endedAt !== null && b.endedAt <= now && b.endedAt > max ? b.endedAt : max),
      -Infinity,
    );
    const open = failures.filter(({ t }) => t >= lastSuccess).sort((x, y) => y.t - x.t);
    const newest = open[0];
    if (!newest) {
      return ok(
        failures.length === 0
          ? `no failed backup in the last ${span(params.lookback)}`
          : `${failures.length} failed backup(s) in the last ${span(params.lookback)}, each followed by a completed one`,
      );
    }
    const more = open.length > 1 ? ` (${open.length} failures since the last completed backup)` : '';
    const raw = newest.b.rawStatus ? ` [${newest.b.rawStatus}]` : '';
    return alarm(
      `${backupLabel(newest.b)} failed at ${at(newest.t)}${raw}; no completed backup since${more}; ` +
        `policy lookback ${span(params.lookback)}`,
      {
        backupId: newest.b.backupId,
        failedAt: newest.t,
        failures: open.length,
      },
    );
  },
});
