import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/time.js';

describe('parseInstant()', () => {
  it.each([
    ['2026-11-17T09:00Z', 'Europe/Berlin', '2026-11-17T09:00:00.000Z'],
    ['2026-11-17T09:00:30+01:00', 'UTC', '2026-11-17T08:00:30.000Z'],
    ['2026-11-17 09:00', 'Europe/Berlin', '2026-11-17T08:00:00.000Z'],
    ['2026-07-14 09:00', 'Europe/Berlin', '2026-07-14T07:00:00.000Z'],
    ['2026-11-17', 'America/New_York', '2026-11-17T05:00:00.000Z'],
    ['2026-03-29 03:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['2026-11-17T09:00', 'Asia/Shanghai', '2026-11-17T01:00:00.000Z'],
  ])('reads %s in %s as %s', (text, tz, expected) => {
    expect(new Date(parseInstant(text, tz)!).toISOString()).toBe(expected);
  });

  it.each(['yesterday', '2026-02-30 10:00', '2026-11-17 25:00', '17/11/2026'])('rejects %s', (text) => {
    expect(parseInstant(text, 'UTC')).toBeNull();
  });
});
