import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { target, targetList } from '../../src/config/schema.js';

// The config's target list is checked by a function zod generates (z.compile); zod's general parser
// must agree with it on every list, or a config would mean one thing on the fast path and another
// when a problem sends it down the general one.

const general = z.array(target);

const VALID: unknown[] = [
  [],
  [{ id: 'orders-db', account: 'ali', service: 'rds', instance: 'rm-1' }],
  [
    {
      id: 'eu/ledger.pg_2',
      account: 'otc',
      service: 'rds',
      instance: 'abc123in03',
      region: 'eu-de',
      zone: 'eu-de-01',
      labels: { env: 'prod', team: 'payments', '': '' },
      rules: { 'recent-success': { maxAge: '48h' }, 'size-anomaly': false, retention: true },
      schedule: '*/15 * * * *',
    },
    { id: '9lives', account: 'u', service: 'tidb', instance: 'x', labels: {}, rules: {} },
  ],
];

const INVALID: unknown[] = [
  'not a list',
  [null],
  [{ id: '-leading-dash', account: 'ali', service: 'rds', instance: 'rm-1' }],
  [{ id: 'a', account: '', service: 'rds', instance: 'rm-1' }],
  [{ id: 'a', account: 'ali', service: 'rds' }],
  [{ id: 'a', account: 'ali', service: 'rds', instance: 'rm-1', labels: { env: 3 } }],
  [{ id: 'a', account: 'ali', service: 'rds', instance: 'rm-1', rules: { retention: 'yes' } }],
  [{ id: 'a', account: 'ali', service: 'rds', instance: 'rm-1', unknown: 1 }],
  [
    { id: 'a', account: 'ali', service: 'rds', instance: 'rm-1' },
    { id: 'b', account: 'ali', service: 'rds', instance: 7 },
  ],
];

describe('the compiled target list', () => {
  it('gives the values the general parser gives, defaults included', () => {
    for (const list of VALID) expect(targetList.parse(list)).toEqual(general.parse(list));
  });

  it('refuses what the general parser refuses, with the same issues', () => {
    for (const list of INVALID) {
      const compiled = targetList.safeParse(list);
      expect(compiled.success).toBe(false);
      expect(compiled.error?.issues).toEqual(general.safeParse(list).error?.issues);
    }
  });

  it('stays compilable: zod would otherwise fall back to its general parser without a word', () => {
    expect(() => z.compile(z.array(target), { strict: true })).not.toThrow();
  });
});
