import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso } from '../../src/core/clock.js';

const viaDate = (ms: number): string => `${new Date(ms).toISOString().slice(0, -5)}Z`;

describe('iso()', () => {
  it('writes the same text as Date#toISOString without milliseconds, for any instant Date can hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(iso(ms)).toBe(viaDate(ms));
      }),
      { numRuns: 20_000 },
    );
  });

  it('truncates fractional milliseconds toward zero, as Date does', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e13, max: 1e13, noNaN: true }), (ms) => {
        expect(iso(ms)).toBe(viaDate(ms));
      }),
    );
  });

  it('formats the edges of the four-digit years, leap days and the epoch', () => {
    expect(iso(0)).toBe('1970-01-01T00:00:00Z');
    expect(iso(-1)).toBe('1969-12-31T23:59:59Z');
    expect(iso(Date.UTC(2000, 1, 29, 23, 59, 59))).toBe('2000-02-29T23:59:59Z');
    expect(iso(Date.UTC(2100, 2, 1))).toBe('2100-03-01T00:00:00Z');
    expect(iso(-62_167_219_200_000)).toBe('0000-01-01T00:00:00Z');
    expect(iso(-62_167_219_200_001)).toBe('-000001-12-31T23:59:59Z');
    expect(iso(253_402_300_799_999)).toBe('9999-12-31T23:59:59Z');
    expect(iso(253_402_300_800_000)).toBe('+010000-01-01T00:00:00Z');
  });

  it('throws like Date for an instant that is not one', () => {
    expect(() => iso(Number.NaN)).toThrow(RangeError);
    expect(() => iso(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => iso(8.64e15 + 1)).toThrow(RangeError);
  });
});
