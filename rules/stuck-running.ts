import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import { ago, at, backupLabel, span } from './format.js';
import { alarm, type BackupFact, defineRule, ok } from './types.js';

/**
 * When a running backup started: its own start, else when we first saw it running. The fallback
 * under-estimates how long it has run, so a backup without a start time alarms late, never falsely.
 */
const runningSince = (b: BackupFact): number => b.startedAt ?? b.firstSeenAt;

/** Alarms when a backup has been `running` for longer than `maxDuration`. */
export const stuckRunning = defineRule({
  id: 'stuck-running',
  description: 'a backup running longer than maxDuration',
  defaultSeverity: 'warning',
  needsSuccessfulPoll: true,
  judgesListingAlone: true,
  params: z.strictObject({ maxDuration: duration.prefault('6h').describe('longest a backup may stay running') }),
  evaluate({ history, now, params }) {
    const policy = `policy ${span(params.maxDuration)}`;
    const running = history.backups
      .filter((b) => b.status === 'running')
      .map((b) => ({ b, since: runningSince(b) }))
      // A start after `now` is a provider clock ahead of ours: not running long, so not stuck.
      .map((r) => ({ ...r, age: Math.max(0, now - r.since) }))
      .sort((x, y) => y.age - x.age);
    const stuck = running.filter(({ age }) => age > params.maxDuration);
    const longest = stuck[0];
    if (!longest) {
      const first = running[0];
      return ok(
        first
          ? `${running.length} backup(s) running, the longest (${backupLabel(first.b)}) for ${ago(first.age)}; ${policy}`
          : `no backup running; ${policy}`,
      );
    }
    const { b, since, age } = longest;
    const started = b.startedAt !== null ? `started ${at(since)}` : `no start time reported, first seen running ${at(since)}`;
    const more = stuck.length > 1 ? `; ${stuck.length} backups have been running longer than that` : '';
    return alarm(
      `${backupLabel(b)} has been running for ${b.startedAt !== null ? '' : 'at least '}${ago(age)} (${started})${more}; ` +
        `check the backup job at the provider; ${policy}`,
      { backupId: b.backupId, runningSince: since, ageMs: age, maxDurationMs: params.maxDuration, stuck: stuck.length },
    );
  },
});
