import { describe, expect, it } from 'vitest';
import { statusJsonChunks } from '../../src/cli/status-json.js';
import type { StatusEntry } from '../../src/cli/status-view.js';

const entry = (i: number): StatusEntry => ({
  target: i % 3 === 0 ? `t"${i}\\` : `ali/rds/rm-${i}`,
  rule: 'recent-success',
  state: i % 4 === 0 ? 'alarm' : 'ok',
  since: '2026-11-24T06:00:00Z',
  severity: 'critical',
  reason: i % 5 === 0 ? `line\nbreak \u2028 ${'é'.repeat(i % 7)} \ud83d\ude00` : `${i} backups`,
});

describe('status --json pieces', () => {
  it('join to exactly JSON.stringify(entries, null, 2), at every piece boundary', () => {
    for (const n of [0, 1, 2, 499, 500, 501, 1000, 1201]) {
      const entries = Array.from({ length: n }, (_, i) => entry(i));
      expect([...statusJsonChunks(entries)].join('')).toBe(JSON.stringify(entries, null, 2));
    }
  });
});
