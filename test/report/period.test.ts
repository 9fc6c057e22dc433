import { describe, expect, it } from 'vitest';
import { iso } from '../../src/core/clock.js';
import {
  lastCompleteWeek,
  localDays,
  parseIsoWeek,
  previousPeriod,
  rangePeriod,
  weekPeriod,
  weeksInYear,
} from '../../src/report/period.js';

const H = 3_600_000;
const shown = (p: { start: number; end: number; label: string }) => ({
  label: p.label,
  start: iso(p.start),
  end: iso(p.end),
  hours: (p.end - p.start) / H,
});

describe('ISO weeks in the config timezone', () => {
  it('runs from Monday 00:00 local time to the next Monday 00:00', () => {
    expect(shown(weekPeriod({ year: 2026, week: 47 }, 'Europe/Berlin'))).toEqual({
      label: '2026-W47',
      start: '2026-11-15T23:00:00Z',
      end: '2026-11-22T23:00:00Z',
      hours: 168,
    });
    expect(shown(weekPeriod({ year: 2026, week: 47 }, 'America/New_York'))).toMatchObject({ start: '2026-11-16T05:00:00Z', hours: 168 });
  });

  it('is an hour shorter in the week summer time starts and an hour longer in the week it ends', () => {
    expect(shown(weekPeriod({ year: 2026, week: 13 }, 'Europe/Berlin'))).toEqual({
      label: '2026-W13',
      start: '2026-03-22T23:00:00Z',
      end: '2026-03-29T22:00:00Z',
      hours: 167,
    });
    expect(shown(weekPeriod({ year: 2026, week: 43 }, 'Europe/Berlin')).hours).toBe(169);
  });

  it('belongs to the year of its Thursday: 2026-W01 starts on 29 December 2025', () => {
    expect(shown(weekPeriod({ year: 2026, week: 1 }, 'UTC')).start).toBe('2025-12-29T00:00:00Z');
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
  });

  it('parses YYYY-Www and says what is wrong with anything else', () => {
    expect(parseIsoWeek('2026-w53')).toEqual({ year: 2026, week: 53 });
    expect(parseIsoWeek('2025-W53')).toEqual({ problem: '"2025-W53" does not exist: 2025 has weeks 01 to 52' });
    expect(parseIsoWeek('2026-47')).toEqual({ problem: '"2026-47" is not an ISO week: use YYYY-Www, e.g. 2026-W47' });
  });
});

describe('the default period', () => {
  it('is the last ISO week that ended, in the config timezone', () => {
    // Monday 00:30 in Berlin is still Sunday in UTC, yet week 47 is complete there.
    expect(lastCompleteWeek(Date.parse('2026-11-22T23:30:00Z'), 'Europe/Berlin').label).toBe('2026-W47');
    expect(lastCompleteWeek(Date.parse('2026-11-22T22:30:00Z'), 'Europe/Berlin').label).toBe('2026-W46');
    expect(lastCompleteWeek(Date.parse('2026-01-05T08:00:00Z'), 'UTC').label).toBe('2026-W01');
  });
});

describe('the previous period', () => {
  it('is the previous ISO week for a week, even across a DST change', () => {
    expect(shown(previousPeriod(weekPeriod({ year: 2026, week: 44 }, 'Europe/Berlin')))).toMatchObject({ label: '2026-W43', hours: 169 });
  });

  it('is the range of equal length just before for --from/--to', () => {
    const p = previousPeriod(rangePeriod(Date.parse('2026-11-10T00:00:00Z'), Date.parse('2026-11-13T00:00:00Z'), 'UTC'));
    expect(shown(p)).toEqual({
      label: '2026-11-07T00:00:00Z/2026-11-10T00:00:00Z',
      start: '2026-11-07T00:00:00Z',
      end: '2026-11-10T00:00:00Z',
      hours: 72,
    });
  });
});

describe('local days', () => {
  it('splits a range at local midnights, clipping the first and last day', () => {
    const days = localDays(rangePeriod(Date.parse('2026-10-24T12:00:00Z'), Date.parse('2026-10-26T06:00:00Z'), 'Europe/Berlin'));
    expect(days.map((d) => [d.date, iso(d.start), (d.end - d.start) / H])).toEqual([
      ['2026-10-24', '2026-10-24T12:00:00Z', 10],
      ['2026-10-25', '2026-10-24T22:00:00Z', 25],
      ['2026-10-26', '2026-10-25T23:00:00Z', 7],
    ]);
  });
});
