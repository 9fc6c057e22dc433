import { z } from 'zod';
import type { BackupPolicy } from '../src/domain/policy.js';
import { at } from './format.js';
import { alarm, cannotJudge, defineRule, notApplicable, ok } from './types.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_MINUTES = 1440;

const windowText = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM-HH:MM (UTC), e.g. 01:00-05:00')
  .describe("UTC window the provider's backup window must lie inside, HH:MM-HH:MM (may cross midnight); absent = any");

const params = z.strictObject({
  minRetentionDays: z.number().int().min(0).max(3650).default(7).describe('automated backups must be kept at least this many days'),
  requireAutomated: z.boolean().default(true).describe('automated backups must be switched on'),
  window: windowText.optional(),
  minDaysPerWeek: z.number().int().min(1).max(7).default(7).describe('weekdays with a scheduled automated backup, at least'),
});
type Params = z.infer<typeof params>;

const hhmm = (m: number): string => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const windowOf = (text: string): { startMinute: number; endMinute: number } => {
  const [s = '', e = ''] = text.split('-');
  const minutes = (t: string): number => {
    const [h = 0, m = 0] = t.split(':').map(Number);
    return (h * 60 + m) % DAY_MINUTES;
  };
  return { startMinute: minutes(s), endMinute: minutes(e) };
};

/** True when the provider's window lies inside the standard's; either may cross midnight. */
export function windowInside(
  inner: { startMinute: number; endMinute: number },
  outer: { startMinute: number; endMinute: number },
): boolean {
  const span = (w: { startMinute: number; endMinute: number }): [number, number] => [
    w.startMinute,
    w.endMinute > w.startMinute ? w.endMinute : w.endMinute + DAY_MINUTES,
  ];
  const [is, ie] = span(inner);
  const [os, oe] = span(outer);
  return [-DAY_MINUTES, 0, DAY_MINUTES].some((shift) => os + shift <= is && ie <= oe + shift);
}

/** Every way the policy falls short of the standard, and what could not be read. */
function assess(p: BackupPolicy, params: Params): { violations: string[]; unknown: string[] } {
  const violations: string[] = [];
  const unknown: string[] = [];
  if (params.requireAutomated) {
    if (p.automated === false) violations.push('automated backup is off');
    else if (p.automated === null) unknown.push('whether automated backup is on');
  }
  if (p.retentionDays === null) unknown.push('the retention');
  else if (p.retentionDays < params.minRetentionDays && p.automated !== false) {
    violations.push(
      p.retentionIsCount
        ? `keeps ${p.retentionDays} backup files (a count, not days: with one backup a day, ${p.retentionDays} days); ` +
            `standard ${params.minRetentionDays} days`
        : `keeps automated backups ${p.retentionDays} days; standard ${params.minRetentionDays} days`,
    );
  }
  if (params.window !== undefined) {
    const standard = windowOf(params.window);
    if (p.window === null) unknown.push('the backup window');
    else if (!windowInside(p.window, standard))
      violations.push(`backup window ${hhmm(p.window.startMinute)}-${hhmm(p.window.endMinute)} UTC is not inside ${params.window} UTC`);
  }
  if (p.weekdays === null) {
    if (params.minDaysPerWeek > 0) unknown.push('the backup weekdays');
  } else if (p.weekdays.length < params.minDaysPerWeek && p.automated !== false) {
    const days = p.weekdays.length === 0 ? 'no day' : p.weekdays.map((d) => WEEKDAYS[d]).join(', ');
    violations.push(
      `backs up on ${p.weekdays.length} day${p.weekdays.length === 1 ? '' : 's'} a week (${days}); standard ${params.minDaysPerWeek}`,
    );
  }
  return { violations, unknown };
}

/**
 * `backup-policy`: the automated-backup policy the provider has configured for the instance, as the
 * last discovery read it, against the standard in the parameters (AWS Backup Audit Manager's
 * "backup plan minimum frequency and retention" control). Alarms on any shortfall; `error` when a
 * checked field could not be read; `skip` where the service exposes no policy (UCloud TiDB) or the
 * account does not discover. A UCloud `BackupCount` is a number of files, and the finding says so.
 */
export const backupPolicy = defineRule({
  id: 'backup-policy',
  description: "the provider's automated backup policy meets the standard (on, retention, window, weekdays)",
  defaultSeverity: 'warning',
  needsSuccessfulPoll: false,
  requires: 'discovery',
  params,
  historyNeeds: () => ({ policy: true }),
  evaluate({ history, params: p }) {
    const evidence = history.policy ?? { kind: 'not-discovering' as const };
    if (evidence.kind === 'not-discovering')
      return notApplicable("backup policies are read by discovery; add `discover:` to this target's account to check them");
    if (evidence.kind === 'not-read') return cannotJudge('no backup policy read for this instance yet (discovery has not listed it)');
    const { policy, readAt } = evidence;
    if ('unavailable' in policy)
      return policy.failed === true ? cannotJudge(`${policy.unavailable} (at ${at(readAt)})`) : notApplicable(policy.unavailable);
    const { violations, unknown } = assess(policy, p);
    const source = `${policy.source}, read ${at(readAt)}`;
    const details = {
      readAt,
      retentionDays: policy.retentionDays,
      retentionIsCount: policy.retentionIsCount,
      automated: policy.automated,
      weekdays: policy.weekdays,
    };
    if (violations.length > 0) return alarm(`${violations.join('; ')} (${source})`, details);
    if (unknown.length > 0) return cannotJudge(`the provider did not report ${unknown.join(', ')} (${source})`);
    const kept = policy.retentionIsCount ? `${policy.retentionDays} backup files (a count, not days)` : `${policy.retentionDays} days`;
    const on =
      policy.automated === true
        ? 'automated backup on'
        : `automated backup ${policy.automated === false ? 'off' : 'state not reported'} (not required)`;
    const days = policy.weekdays === null ? 'weekdays not reported' : `${policy.weekdays.length} days a week`;
    return ok(`${on}, kept ${kept}, ${days} (${source})`, details);
  },
});
