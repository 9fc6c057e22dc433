import type { EndedBackup } from '../db/report-reads.js';
import type { LocalDay, Period } from './period.js';

/** What a target's backups did within a period, per day and in total. */
export interface BackupStats {
  readonly completed: number;
  readonly failed: number;
  /** Per day of the period, in order. */
  readonly perDay: readonly { readonly completed: number; readonly failed: number }[];
  readonly daysWithBackup: number;
  readonly longestGap: { readonly ms: number; readonly from: number; readonly to: number; readonly fromPeriodStart: boolean } | null;
}

/** The index of the day containing `at`, or -1 (days are sorted and contiguous). */
function dayIndex(days: readonly LocalDay[], at: number): number {
  let lo = 0;
  let hi = days.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = days[mid] as LocalDay;
    if (at < d.start) hi = mid - 1;
    else if (at >= d.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Counts backups by the local day they ended, and finds the longest stretch without a completed
 * backup: from the last completed backup before the period (or the period start when none is on
 * record) through each completed backup in the period to the period end.
 */
export function backupStats(
  period: Period,
  days: readonly LocalDay[],
  backups: readonly EndedBackup[],
  lastBefore: number | null,
): BackupStats {
  const perDay = days.map(() => ({ completed: 0, failed: 0 }));
  let completed = 0;
  let failed = 0;
  for (const b of backups) {
    const day = perDay[dayIndex(days, b.endedAt)];
    if (b.outcome === 'completed') {
      completed++;
      if (day) day.completed++;
    } else {
      failed++;
      if (day) day.failed++;
    }
  }
  let longestGap: BackupStats['longestGap'] = null;
  if (period.end > period.start) {
    const fromPeriodStart = lastBefore === null;
    let prev = lastBefore ?? period.start;
    const consider = (to: number, first: boolean): void => {
      if (!longestGap || to - prev > longestGap.ms)
        longestGap = { ms: to - prev, from: prev, to, fromPeriodStart: first && fromPeriodStart };
    };
    let first = true;
    for (const b of backups) {
      if (b.outcome !== 'completed') continue;
      consider(b.endedAt, first);
      prev = b.endedAt;
      first = false;
    }
    consider(period.end, first);
  }
  return { completed, failed, perDay, daysWithBackup: perDay.filter((d) => d.completed > 0).length, longestGap };
}
