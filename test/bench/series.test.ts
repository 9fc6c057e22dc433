import { describe, expect, it } from 'vitest';
import { growthPer, slope } from '../../bench/series.js';

describe('slope', () => {
  it('is the growth per unit of a straight line, whatever its offset', () => {
    expect(slope([2, 3, 4, 5].map((x) => ({ x, y: 100 + 0.5 * x })))).toBeCloseTo(0.5, 12);
  });

  it('is the least-squares fit through noise, not the line between the first and last points', () => {
    // First to last would say (13 - 10) / 3 = 1; the fit weighs the dip in the middle.
    expect(slope([10, 9, 9, 13].map((y, x) => ({ x, y })))).toBeCloseTo(0.9, 12);
  });

  it('is zero for a flat series and refuses a single x', () => {
    expect(slope([1, 2, 3].map((x) => ({ x, y: 7 })))).toBe(0);
    expect(() =>
      slope([
        { x: 4, y: 1 },
        { x: 4, y: 2 },
      ]),
    ).toThrow(/two distinct x/);
  });
});

describe('growthPer', () => {
  it('divides each name’s growth by the units, largest first, counting a name new in `after` from zero', () => {
    const before = { poll_runs: 4_096, backups: 8_192, gone: 4_096 };
    const after = { poll_runs: 45_056, backups: 8_192, evidence_chain: 81_920 };
    expect(growthPer(before, after, 10)).toEqual([
      { name: 'evidence_chain', bytes: 8_192 },
      { name: 'poll_runs', bytes: 4_096 },
      { name: 'backups', bytes: 0 },
      { name: 'gone', bytes: -409.6 },
    ]);
  });
});
