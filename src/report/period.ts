import { iso } from '../core/clock.js';
import { parseInstant } from '../core/time.js';
import { remembered } from './memo.js';

/**
 * Report periods in the config's timezone. A week is an ISO week: Monday 00:00 local time to the next
 * Monday 00:00 local time, so a week with a DST change lasts 167 or 169 hours. Calendar dates are
 * handled as "UTC midnight of that date" numbers and only turned into instants through the timezone.
 */

const DAY = 86_400_000;
/** Longest `--from/--to` range: a year of daily cells is the most a report can usefully show. */
export const MAX_PERIOD_DAYS = 366;

/** A reporting period: `[start, end)` in epoch ms, with its label and timezone. */
export interface Period {
  /** `week` for an ISO week, `range` for `--from/--to`. */
  readonly kind: 'week' | 'range';
  /** `2026-W47`, or `2026-11-16T00:00:00Z/2026-11-23T00:00:00Z` (ISO-8601 interval) for a range. */
  readonly label: string;
  /** Inclusive start, epoch ms. */
  readonly start: number;
  /** Exclusive end, epoch ms. */
  readonly end: number;
  /** IANA timezone the days of the period are counted in. */
  readonly timeZone: string;
}

/** One calendar day of a period in its timezone, clipped to the period. */
export interface LocalDay {
  /** `2026-10-25`: the local calendar date. */
  readonly date: string;
  readonly start: number;
  readonly end: number;
  /** `start` and `end` as `iso()` writes them: once per report, not once per target and day. */
  readonly startIso: string;
  readonly endIso: string;
}

/** An ISO week: year and week number (1..53). */
export interface IsoWeek {
  readonly year: number;
  readonly week: number;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
/** `YYYY-MM-DD` of a calendar-date number. */
const dateText = (calendar: number): string => new Date(calendar).toISOString().slice(0, 10);
/** Monday = 0 … Sunday = 6. */
const weekday = (calendar: number): number => (new Date(calendar).getUTCDay() + 6) % 7;

// Building an Intl.DateTimeFormat costs far more than using one; a fleet report formats thousands of instants.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${withTime ? 't' : 'd'}:${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const date = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    f = new Intl.DateTimeFormat(
      'en-US',
      withTime ? { timeZone, hourCycle: 'h23', ...date, hour: '2-digit', minute: '2-digit' } : { timeZone, ...date },
    );
    formatters.set(key, f);
  }
  return f;
}

/** The local calendar date (as a calendar-date number) of instant `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): number {
  const parts = formatter(timeZone, false).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'));
}

/** The instant of local midnight at the start of a calendar date in `timeZone`. */
export function localMidnight(calendar: number, timeZone: string): number {
  const ms = parseInstant(dateText(calendar), timeZone);
  // parseInstant only returns null for text it cannot read; dateText always writes a valid date.
  if (ms === null) throw new Error(`cannot place ${dateText(calendar)} in ${timeZone}`);
  return ms;
}

/** The Monday (calendar-date number) of ISO week `week` of `year`. */
function mondayOf({ year, week }: IsoWeek): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - weekday(jan4) * DAY + (week - 1) * 7 * DAY;
}

/** 52 or 53: the ISO week of 28 December is always the year's last. */
export function weeksInYear(year: number): number {
  return isoWeekOf(Date.UTC(year, 11, 28)).week;
}

/** The ISO week a calendar date belongs to (its Thursday decides the year). */
export function isoWeekOf(calendar: number): IsoWeek {
  const thursday = calendar + (3 - weekday(calendar)) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  return { year, week: 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY)) };
}

/** `2026-W47`. */
export const weekLabel = (w: IsoWeek): string => `${pad(w.year, 4)}-W${pad(w.week)}`;

/** Parses `2026-W47` (also `2026-w47`); returns a sentence saying what is wrong otherwise. */
export function parseIsoWeek(text: string): IsoWeek | { problem: string } {
  const m = /^(\d{4})-W(\d{2})$/i.exec(text.trim());
  if (!m) return { problem: `"${text}" is not an ISO week: use YYYY-Www, e.g. 2026-W47` };
  const year = Number(m[1]);
  const week = Number(m[2]);
  const last = weeksInYear(year);
  if (week < 1 || week > last) return { problem: `"${text}" does not exist: ${year} has weeks 01 to ${last}` };
  return { year, week };
}

/** The ISO week `w` as a period: Monday 00:00 to the next Monday 00:00, local time. */
export function weekPeriod(w: IsoWeek, timeZone: string): Period {
  const monday = mondayOf(w);
  return {
    kind: 'week',
    label: weekLabel(w),
    start: localMidnight(monday, timeZone),
    end: localMidnight(monday + 7 * DAY, timeZone),
    timeZone,
  };
}

/** The last ISO week that ended at or before `now`, in `timeZone`: what a Monday-morning report covers. */
export function lastCompleteWeek(now: number, timeZone: string): Period {
  const today = localDate(now, timeZone);
  const thisMonday = today - weekday(today) * DAY;
  return weekPeriod(isoWeekOf(thisMonday - 7 * DAY), timeZone);
}

/** An arbitrary `[start, end)` as a period, labelled as an ISO-8601 interval. */
export function rangePeriod(start: number, end: number, timeZone: string): Period {
  return { kind: 'range', label: `${iso(start)}/${iso(end)}`, start, end, timeZone };
}

/**
 * The period before `p` to compare against: the previous ISO week for a week (the same seven local
 * days, even when DST makes it an hour longer or shorter), else the range of equal length that ends
 * where `p` starts.
 */
export function previousPeriod(p: Period): Period {
  if (p.kind === 'week') {
    const monday = localDate(p.start, p.timeZone);
    return weekPeriod(isoWeekOf(monday - 7 * DAY), p.timeZone);
  }
  return rangePeriod(p.start - (p.end - p.start), p.start, p.timeZone);
}

/** The local calendar days a period touches, each clipped to the period (so a range may start or end mid-day). */
export function localDays(p: Period): LocalDay[] {
  const days: LocalDay[] = [];
  let calendar = localDate(p.start, p.timeZone);
  let start = p.start;
  while (start < p.end) {
    const next = localMidnight(calendar + DAY, p.timeZone);
    const end = Math.min(next, p.end);
    if (end > start) days.push({ date: dateText(calendar), start, end, startIso: iso(start), endIso: iso(end) });
    start = end;
    calendar += DAY;
  }
  return days;
}

/** `2026-11-16 00:00`: an instant as wall-clock time in `timeZone`, how the report names period bounds. */
export function wallClock(ms: number, timeZone: string): string {
  // A report names the same few instants (period bounds, day starts) for every target: formatting
  // one through Intl costs microseconds, a lookup nothing. Bounded, cleared when full.
  return remembered(wallClocks, 10_000, `${timeZone} ${ms}`, () => {
    const parts = formatter(timeZone, true).formatToParts(new Date(ms));
    const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '??';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
  });
}
const wallClocks = new Map<string, string>();
