import { describe, expect, it } from 'vitest';
import { backupLabel, MAX_BACKUP_NAME } from '../../rules/format.js';
import { MAX_TEXT, plainData, plainText } from '../../src/core/text.js';

const ESC = '\u001b';

describe('plain text for machine-readable outputs', () => {
  it('removes terminal escapes, C1 controls and bidi overrides but keeps newlines and tabs', () => {
    expect(plainText(`a${ESC}[31mred\u009b\u202Eb\tc\r\nd`)).toBe('a[31mredb\tc\nd');
  });

  it('cuts a runaway string to the length asked for, ending in an ellipsis, and nothing when no length is given', () => {
    expect(plainText('x'.repeat(5000))).toHaveLength(5000);
    const cut = plainText('x'.repeat(1_048_576), MAX_TEXT);
    expect(Array.from(cut)).toHaveLength(MAX_TEXT);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('cleans every string of a JSON value, keys included, and leaves ordinary text and other values as they are', () => {
    const data = { target: 'orders-pg', n: 3, ok: true, none: null, labels: { [`k${ESC}`]: `v${ESC}[2J` }, items: [{ reason: `r${ESC}` }] };
    expect(plainData(data)).toEqual({ target: 'orders-pg', n: 3, ok: true, none: null, labels: { k: 'v[2J' }, items: [{ reason: 'r' }] });
  });

  it('quotes a backup name of more than 256 characters cut with an ellipsis', () => {
    const label = backupLabel({ backupId: 'b1', name: 'A'.repeat(1_048_576) });
    expect(label).toBe(`backup b1 ("${'A'.repeat(MAX_BACKUP_NAME - 1)}…")`);
  });
});

it('plainData() keeps a `__proto__` key as data and cleans keys and values alike', () => {
  const input = JSON.parse('{"__proto__": {"polluted": "yes\\u001b[31m"}, "la\\u202Ebel": ["a\\r\\nb"], "constructor": 1}') as Record<
    string,
    unknown
  >;
  const out = plainData(input) as Record<string, unknown>;
  expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  expect(Object.keys(out)).toEqual(['__proto__', 'label', 'constructor']);
  expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"yes[31m"},"label":["a\\nb"],"constructor":1}');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

it('plainData() returns clean data as it is and copies only the objects on the way to a change, keeping key order', () => {
  const clean = { a: 'x', list: [{ id: 'b', n: 1 }], nested: { k: 'v' } };
  expect(plainData(clean)).toBe(clean);
  const dirty = { a: 'x', list: [{ id: 'b' }, { id: `c${ESC}` }], nested: { k: 'v' }, [`z${ESC}`]: 1, last: 2 };
  const out = plainData(dirty) as unknown as { list: unknown[]; nested: unknown };
  expect(out).not.toBe(dirty);
  expect(Object.keys(out)).toEqual(['a', 'list', 'nested', 'z', 'last']);
  expect(out.list).toEqual([{ id: 'b' }, { id: 'c' }]);
  expect(out.list[0]).toBe(dirty.list[0]);
  expect(out.nested).toBe(dirty.nested);
  expect(dirty.list[1]?.id).toBe(`c${ESC}`);
});
