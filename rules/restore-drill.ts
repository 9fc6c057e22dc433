import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import { compareText, truncate } from '../src/core/text.js';
import { ago, at, span } from './format.js';
import { alarm, cannotJudge, type DrillFact, defineRule, ok } from './types.js';

/** Longest drill note quoted in a reason; the rest is in `drill list`. */
const MAX_NOTE = 200;

/** Newest first by instant; ties by id, so the same drills always give the same verdict. */
const newestFirst = (a: DrillFact, b: DrillFact): number => b.at - a.at || compareText(a.id, b.id);

const noteOf = (d: DrillFact): string => (d.note ? JSON.stringify(truncate(d.note, MAX_NOTE)) : 'no note');

/**
 * Alarms when no successful restore drill of the target took place within `maxAge`, when the newest
 * drill failed (whatever came before it), or when the newest successful one took longer than
 * `maxDuration` (the restore-time objective). Off unless configured: drills are recorded by people
 * (`drill record`, `POST /api/v1/drills`), and a fleet that does none would otherwise alarm everywhere.
 */
export const restoreDrill = defineRule({
  id: 'restore-drill',
  description: 'a successful restore drill within maxAge, not followed by a failed one, within maxDuration',
  defaultSeverity: 'warning',
  needsSuccessfulPoll: false,
  enabledByDefault: false,
  params: z.strictObject({
    maxAge: duration.prefault('90d').describe('the newest successful restore drill must have taken place within this (30d, 90d, 13w)'),
    maxDuration: duration.optional().describe('restore-time objective: the newest successful drill must have taken at most this (4h)'),
  }),
  historyNeeds: () => ({ drills: true }),
  evaluate({ history, now, params }) {
    if (!history.drills) return cannotJudge('restore drills were not loaded');
    const known = history.drills.filter((d) => d.at <= now && d.recordedAt <= now).sort(newestFirst);
    const lastOk = known.find((d) => d.result === 'ok');
    const newest = known[0];
    const policy = `policy ${span(params.maxAge)}${params.maxDuration === undefined ? '' : `, restore within ${span(params.maxDuration)}`}`;
    if (newest && newest !== lastOk && newest.result === 'failed') {
      const before = lastOk ? `last successful drill ${at(lastOk.at)}` : 'no successful drill on record';
      return alarm(`the newest restore drill, at ${at(newest.at)}, failed: ${noteOf(newest)}; ${before}; ${policy}`, {
        drillId: newest.id,
        at: newest.at,
        result: newest.result,
      });
    }
    if (!lastOk) return alarm(`no successful restore drill on record; ${policy}`);
    const age = now - lastOk.at;
    const details = { drillId: lastOk.id, at: lastOk.at, ageMs: age, maxAgeMs: params.maxAge, durationMs: lastOk.durationMs };
    const last = `last successful restore drill ${at(lastOk.at)}, ${ago(age)} ago`;
    if (age > params.maxAge) return alarm(`${last}; ${policy}`, details);
    if (params.maxDuration !== undefined) {
      if (lastOk.durationMs === null)
        return alarm(`${last}, with no duration on record, so the restore-time objective cannot be checked; ${policy}`, details);
      if (lastOk.durationMs > params.maxDuration)
        return alarm(`${last}, took ${span(lastOk.durationMs)}, longer than the objective; ${policy}`, details);
    }
    const took = lastOk.durationMs === null ? '' : `, took ${span(lastOk.durationMs)}`;
    return ok(`${last}${took}; ${policy}`, details);
  },
});
