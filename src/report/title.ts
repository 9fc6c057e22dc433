import { localDate } from './period.js';
import type { ComplianceReport, ReportPeriod } from './types.js';

/**
 * How people name a report period: `week 48, 2026 · 23–29 Nov` for an ISO week, `1–30 Nov 2026`,
 * `28 Nov – 4 Dec 2026` or `30 Dec 2026 – 5 Jan 2027` for a range. Dates are local dates in the
 * report's timezone and the last one is inclusive (the period end is exclusive, so a range ending at
 * midnight names the day before). The machine label (`2026-W48`) stays in the JSON.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `9 Nov` for a calendar-date number (UTC midnight of the date), with ` 2026` when `year`. */
function dayMonth(calendar: number, year: boolean): string {
  const d = new Date(calendar);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${year ? ` ${d.getUTCFullYear()}` : ''}`;
}

/** `9 Nov` for a `YYYY-MM-DD` date, as the day lists of the charts' text alternatives name days. */
export const shortDate = (date: string): string => dayMonth(Date.parse(`${date}T00:00:00Z`), false);

/** The local dates from `first` to `last` (calendar-date numbers), the year once at the end unless `withYear` is false. */
function dateSpan(first: number, last: number, withYear: boolean): string {
  const a = new Date(first);
  const b = new Date(last);
  const sameYear = a.getUTCFullYear() === b.getUTCFullYear();
  // A week names its year beside the week number; its dates need one only when they straddle New Year.
  const year = withYear || !sameYear;
  if (first === last) return dayMonth(first, year);
  if (sameYear && a.getUTCMonth() === b.getUTCMonth()) return `${a.getUTCDate()}–${dayMonth(last, year)}`;
  return `${dayMonth(first, !sameYear)} – ${dayMonth(last, year)}`;
}

/** `week 48, 2026 · 23–29 Nov` or `28 Nov – 4 Dec 2026`: a period as people name it, in the report's timezone. */
export function periodName(report: Pick<ComplianceReport, 'timezone'>, p: ReportPeriod): string {
  const start = Date.parse(p.start);
  const end = Date.parse(p.end);
  const first = localDate(start, report.timezone);
  // The end is exclusive: the last day is the one its final millisecond falls on.
  const last = localDate(Math.max(start, end - 1), report.timezone);
  const week = p.kind === 'week' ? /^(\d{4})-W(\d{2})$/.exec(p.label) : null;
  if (!week) return dateSpan(first, last, true);
  return `week ${Number(week[2])}, ${week[1]} · ${dateSpan(first, last, false)}`;
}

/** `Backup compliance · week 48, 2026 · 23–29 Nov`: the report's heading wherever it is named. */
export const reportHeading = (report: Pick<ComplianceReport, 'timezone' | 'period'>): string =>
  `Backup compliance · ${periodName(report, report.period)}`;
