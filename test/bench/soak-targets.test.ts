import { describe, expect, it } from 'vitest';
import { soakTargets } from '../../bench/soak.js';

describe('soakTargets', () => {
  it("runs the issue's 1,000 targets times the scale, at least 10, when BENCH_SOAK_TARGETS is not set", () => {
    expect(soakTargets(1, {})).toBe(1000);
    expect(soakTargets(0.1, {})).toBe(100);
    expect(soakTargets(0.005, { BENCH_SOAK_TARGETS: '' })).toBe(10);
  });

  it('runs the fleet BENCH_SOAK_TARGETS names, whatever the scale', () => {
    expect(soakTargets(0.1, { BENCH_SOAK_TARGETS: '1000' })).toBe(1000);
  });

  it('refuses a count that is not a whole number of at least 10', () => {
    for (const raw of ['9', '12.5', 'many']) expect(() => soakTargets(1, { BENCH_SOAK_TARGETS: raw })).toThrow(/BENCH_SOAK_TARGETS/);
  });
});
