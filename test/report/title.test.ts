import { describe, expect, it } from 'vitest';
import { iso } from '../../src/core/clock.js';
import { parseInstant } from '../../src/core/time.js';
import { type IsoWeek, type Period, parseIsoWeek, rangePeriod, weekPeriod } from '../../src/report/period.js';
import { periodName, reportHeading } from '../../src/report/title.js';
import type { ReportPeriod } from '../../src/report/types.js';
import { reportTitle } from '../../src/report/view.js';
import { sampleReport } from '../helpers/report-fixture.js';

const TZ = 'Europe/Berlin';

const asJson = (p: Period): ReportPeriod => ({
  label: p.label,
  kind: p.kind,
  start: iso(p.start),
  end: iso(p.end),
  lengthMs: p.end - p.start,
});
const week = (label: string, timezone = TZ) => periodName({ timezone }, asJson(weekPeriod(parseIsoWeek(label) as IsoWeek, timezone)));
const range = (from: string, to: string, timezone = TZ) =>
  periodName(
    { timezone },
    asJson(rangePeriod(parseInstant(from, timezone) ?? Number.NaN, parseInstant(to, timezone) ?? Number.NaN, timezone)),
  );

describe('the period as people name it', () => {
  it('names an ISO week by its number and its Monday to Sunday, the last day inclusive', () => {
    expect(week('2026-W48')).toBe('week 48, 2026 · 23–29 Nov');
    expect(week('2026-W49')).toBe('week 49, 2026 · 30 Nov – 6 Dec');
  });

  it('gives a week that straddles New Year both years', () => {
    expect(week('2026-W53')).toBe('week 53, 2026 · 28 Dec 2026 – 3 Jan 2027');
    expect(week('2027-W01')).toBe('week 1, 2027 · 4–10 Jan');
  });

  it('names a range by its dates, the year once, the exclusive end not counted as a day', () => {
    expect(range('2026-11-01', '2026-12-01')).toBe('1–30 Nov 2026');
    expect(range('2026-11-28', '2026-12-05')).toBe('28 Nov – 4 Dec 2026');
    expect(range('2026-12-30', '2027-01-06')).toBe('30 Dec 2026 – 5 Jan 2027');
    expect(range('2026-11-17 09:00', '2026-11-17 17:00')).toBe('17 Nov 2026');
  });

  it('names a range that ends within a day by that day, never as an ISO interval', () => {
    const name = range('2026-11-25T00:00:00Z', '2026-12-02T19:12:00Z');
    expect(name).toBe('25 Nov – 2 Dec 2026');
    expect(name).not.toMatch(/\d{2}:\d{2}|T\d|\//);
  });

  it("counts dates in the report's timezone", () => {
    // Monday 00:00 in Berlin is still Sunday in UTC and Sunday evening in New York.
    const p = asJson(weekPeriod({ year: 2026, week: 46 }, TZ));
    expect(periodName({ timezone: TZ }, p)).toBe('week 46, 2026 · 9–15 Nov');
    expect(periodName({ timezone: 'America/New_York' }, p)).toBe('week 46, 2026 · 8–15 Nov');
  });
});

describe('the report title', () => {
  it('is the heading followed by the headline numbers in the subject', () => {
    const report = sampleReport();
    expect(reportHeading(report)).toBe('Backup compliance · week 46, 2026 · 9–15 Nov');
    expect(reportTitle(report)).toBe(
      'Backup compliance · week 46, 2026 · 9–15 Nov: 75.0% compliant over 92.9% of the week with evidence (-12.5 pts), ' +
        '1 of 2 targets in alarm',
    );
  });
});
