import { describe, expect, it } from 'vitest';
import { checkDeliveries, type ScriptedChange, soakScript } from '../../bench/soak-script.js';

const change = (target: string, rule: string, kind: ScriptedChange['kind'], day: number): ScriptedChange => ({ target, rule, kind, day });

describe('the soak script', () => {
  it('fails a failing target for three days from its start day, and stops a stopped one for good', () => {
    const s = soakScript(30);
    expect(s.role(3)).toBe('fails');
    expect(s.role(7)).toBe('stops');
    const days = (i: number) => Array.from({ length: 30 }, (_, d) => s.outcome(i, d));
    const from = s.startDay(3);
    expect(days(3).flatMap((o, d) => (o === 'Failed' ? [d] : []))).toEqual([from, from + 1, from + 2]);
    expect(days(7).indexOf('none')).toBe(s.startDay(7));
    expect(
      days(7)
        .slice(s.startDay(7))
        .every((o) => o === 'none'),
    ).toBe(true);
    expect(days(0).every((o) => o === 'Success')).toBe(true);
  });

  it('puts every scripted change after the warm-up and before the last day', () => {
    const changes = soakScript(30).changes(1_000);
    expect(Math.min(...changes.map((c) => c.day))).toBe(3);
    expect(Math.max(...changes.map((c) => c.day))).toBeLessThanOrEqual(29);
    // 100 failing targets with six changes each, 100 stopped ones with two.
    expect(changes).toHaveLength(800);
  });

  it('refuses a run too short for retention to come back', () => {
    expect(() => soakScript(15)).toThrow(/at least 16 days/);
  });
});

describe('checkDeliveries', () => {
  const scripted = [change('db-3', 'failed-backup', 'firing', 5), change('db-3', 'failed-backup', 'resolved', 8)];

  it('counts a change delivered once on its day, and ignores reminders', () => {
    const check = checkDeliveries(scripted, [
      { target: 'db-3', rule: 'failed-backup', kind: 'firing', day: 5 },
      { target: 'db-3', rule: 'failed-backup', kind: 'reminder', day: 6 },
      { target: 'db-3', rule: 'failed-backup', kind: 'resolved', day: 8 },
    ]);
    expect(check).toEqual({ scripted: 2, deliveredOnce: 2, missing: [], repeated: [], wrongDay: [], unscripted: [] });
  });

  it('names what is missing, repeated, late and unscripted', () => {
    const check = checkDeliveries(
      [...scripted, change('db-7', 'recent-success', 'firing', 9)],
      [
        { target: 'db-3', rule: 'failed-backup', kind: 'firing', day: 5 },
        { target: 'db-3', rule: 'failed-backup', kind: 'firing', day: 5 },
        { target: 'db-7', rule: 'recent-success', kind: 'firing', day: 10 },
        { target: 'db-0', rule: 'size-anomaly', kind: 'firing', day: 12 },
      ],
    );
    expect(check.deliveredOnce).toBe(0);
    expect(check.missing).toEqual(['db-3 failed-backup resolved (day 8)']);
    expect(check.repeated).toEqual(['db-3 failed-backup firing ×2 (days 5, 5)']);
    expect(check.wrongDay).toEqual(['db-7 recent-success firing on day 10, scripted for day 9']);
    expect(check.unscripted).toEqual(['db-0 size-anomaly firing (days 12)']);
  });
});
