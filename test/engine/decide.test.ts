import { describe, expect, it } from 'vitest';
import type { FindingRow } from '../../src/db/findings.js';
import { decide } from '../../src/engine/decide.js';

const H = 3_600_000;
const NOW = Date.parse('2026-11-21T12:00:00Z');
const row = (over: Partial<FindingRow>): FindingRow => ({
  targetId: 't',
  ruleId: 'r',
  state: 'ok',
  severity: 'critical',
  since: NOW - 10 * H,
  reason: '',
  evaluatedAt: NOW - H,
  firing: false,
  lastNotifiedAt: null,
  silencedBy: null,
  ...over,
});

describe('decide()', () => {
  it.each([
    ['a new finding in alarm fires', undefined, 'alarm', { send: 'firing', firing: true }],
    ['a new finding that is ok sends nothing', undefined, 'ok', { send: null, firing: false }],
    ['ok → alarm fires', row({ state: 'ok' }), 'alarm', { send: 'firing', firing: true }],
    [
      'alarm → alarm within the repeat interval sends nothing',
      row({ state: 'alarm', firing: true, lastNotifiedAt: NOW - H }),
      'alarm',
      { send: null, firing: true },
    ],
    [
      'alarm → alarm after the repeat interval reminds',
      row({ state: 'alarm', firing: true, lastNotifiedAt: NOW - 24 * H }),
      'alarm',
      { send: 'reminder', firing: true },
    ],
    ['firing alarm → ok resolves', row({ state: 'alarm', firing: true }), 'ok', { send: 'resolved', firing: false }],
    ['firing alarm → error keeps firing silently', row({ state: 'alarm', firing: true }), 'error', { send: null, firing: true }],
    [
      'error after a firing alarm → alarm does not fire again',
      row({ state: 'error', firing: true, lastNotifiedAt: NOW - H }),
      'alarm',
      { send: null, firing: true },
    ],
    ['error after a firing alarm → ok resolves', row({ state: 'error', firing: true }), 'ok', { send: 'resolved', firing: false }],
    ['never-firing error → alarm fires', row({ state: 'error', firing: false }), 'alarm', { send: 'firing', firing: true }],
    [
      'a disabled (skip) firing finding stays firing without a message',
      row({ state: 'alarm', firing: true }),
      'skip',
      { send: null, firing: true },
    ],
  ] as const)('%s', (_name, previous, next, expected) => {
    expect(decide(previous, next, NOW, 24 * H)).toEqual(expected);
  });
});
