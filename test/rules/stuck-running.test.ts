import { describe, expect, it } from 'vitest';
import { stuckRunning } from '../../rules/stuck-running.js';
import {
  backup,
  expectCase,
  HOUR,
  history,
  hoursAgo,
  NOW,
  paramProblems,
  type RuleCase,
  SECOND,
  shown,
} from '../helpers/history-builder.js';

const running = (startedAt: number | null, over: Parameters<typeof backup>[0] = {}) =>
  backup({ status: 'running', startedAt, endedAt: null, ...over });

const cases: RuleCase[] = [
  {
    name: 'evaluate() keeps stuck-running ok when nothing is running',
    history: history({ backups: [backup({ endedAt: hoursAgo(1) })] }),
    state: 'ok',
    reason: ['no backup running', 'policy 6h'],
  },
  {
    name: 'evaluate() keeps stuck-running ok while a backup has run for 2h',
    history: history({ backups: [running(hoursAgo(2), { backupId: 'bk-1' })] }),
    state: 'ok',
    reason: ['backup bk-1', '2h'],
  },
  {
    name: 'evaluate() fires stuck-running when a backup has been running for 7h',
    history: history({ backups: [running(hoursAgo(7), { backupId: 'bk-7', name: 'nightly' })] }),
    state: 'alarm',
    reason: ['backup bk-7 ("nightly")', 'running for 7h', shown(hoursAgo(7)), 'policy 6h'],
  },
  {
    name: 'evaluate() keeps stuck-running ok for a backup running exactly maxDuration',
    history: history({ backups: [running(NOW - 6 * HOUR)] }),
    state: 'ok',
  },
  {
    name: 'evaluate() keeps stuck-running ok for a backup running one second less than maxDuration',
    history: history({ backups: [running(NOW - 6 * HOUR + SECOND)] }),
    state: 'ok',
  },
  {
    name: 'evaluate() fires stuck-running for a backup running one second longer than maxDuration',
    history: history({ backups: [running(NOW - 6 * HOUR - SECOND)] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() dates a running backup without a start time by when it was first seen',
    history: history({ backups: [running(null, { firstSeenAt: hoursAgo(8) })] }),
    state: 'alarm',
    reason: ['at least 8h', 'first seen running', shown(hoursAgo(8))],
  },
  {
    name: 'evaluate() ignores completed, failed and unknown backups however old their start',
    history: history({
      backups: [
        backup({ startedAt: hoursAgo(30), endedAt: hoursAgo(20) }),
        backup({ status: 'failed', startedAt: hoursAgo(30), endedAt: null }),
        backup({ status: 'unknown', rawStatus: 'Pending', startedAt: hoursAgo(30), endedAt: null }),
      ],
    }),
    state: 'ok',
  },
  {
    name: 'evaluate() does not treat a start after now (evaluating as of the past) as stuck',
    history: history({ backups: [running(NOW + HOUR)] }),
    state: 'ok',
  },
  {
    name: 'evaluate() names the longest-running backup and counts the others',
    history: history({ backups: [running(hoursAgo(7), { backupId: 'young' }), running(hoursAgo(9), { backupId: 'old' })] }),
    state: 'alarm',
    reason: ['backup old', 'running for 9h', '2 backups have been running longer than that'],
  },
  {
    name: 'evaluate() applies a longer maxDuration from the config',
    history: history({ backups: [running(hoursAgo(7))] }),
    params: { maxDuration: '12h' },
    state: 'ok',
    reason: ['policy 12h'],
  },
];

describe('stuck-running', () => {
  it.each(cases)('$name', (c) => expectCase(stuckRunning, c));

  it('params: {} gives maxDuration 6h', () => {
    expect(stuckRunning.params.parse({})).toEqual({ maxDuration: 6 * HOUR });
  });
  it('params: an unknown parameter is rejected', () => {
    expect(paramProblems(stuckRunning, { maxAge: '6h' }).join('\n')).toMatch(/maxAge/);
  });
  it('params: a bad duration is rejected with a message naming it', () => {
    expect(paramProblems(stuckRunning, { maxDuration: '6 hours' })).toEqual([
      expect.stringMatching(/^maxDuration: invalid duration "6 hours"/),
    ]);
  });
  it('is warning by default and needs a successful poll', () => {
    expect([stuckRunning.defaultSeverity, stuckRunning.needsSuccessfulPoll]).toEqual(['warning', true]);
  });
});
