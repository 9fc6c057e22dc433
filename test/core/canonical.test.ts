import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical.js';

describe('canonicalJson()', () => {
  it('encodes equal records the same whatever order their keys were written in', () => {
    const a = canonicalJson({ b: 1, a: 'x', c: { z: null, y: [true, false] } });
    const b = canonicalJson({ c: { y: [true, false], z: null }, a: 'x', b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":"x","b":1,"c":{"y":[true,false],"z":null}}');
  });

  it('leaves out keys whose value is undefined, and keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('writes instants as integers and escapes strings as JSON does', () => {
    expect(canonicalJson({ at: 1_795_132_800_000, note: 'a "quote"\n\u2028' })).toBe(
      `{"at":1795132800000,"note":${JSON.stringify('a "quote"\n\u2028')}}`,
    );
  });

  it('refuses floats, non-finite and unsafe numbers rather than encode them two ways', () => {
    expect(() => canonicalJson({ size: 1.5 })).toThrow(/1.5 is not a safe integer/);
    expect(() => canonicalJson([Number.NaN])).toThrow(/not a safe integer/);
    expect(() => canonicalJson(2 ** 53)).toThrow(/not a safe integer/);
  });
});
