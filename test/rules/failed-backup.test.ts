import { describe, expect, it } from 'vitest';
import { failedBackup } from '../../rules/failed-backup.js';
import {
  backup,
  DAY,
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

const cases: RuleCase[] = [
  {
    name: 'evaluate() keeps failed-backup ok when nothing failed',
    history: history({ backups: [backup({ endedAt: hoursAgo(2) })] }),
    state: 'ok',
    reason: ['no failed backup in the last 1d'],
  },
  {
    name: 'evaluate() fires failed-backup when a backup failed 2h ago and nothing completed since',
    history: history({ backups: [backup({ backupId: 'bk-9', status: 'failed', rawStatus: 'Failed', endedAt: hoursAgo(2) })] }),
    state: 'alarm',
    reason: ['backup bk-9', shown(hoursAgo(2)), '[Failed]', 'no completed backup since', 'policy lookback 1d'],
  },
  {
    name: 'evaluate() keeps failed-backup ok when a completed backup follows the failed one',
    history: history({ backups: [backup({ status: 'failed', endedAt: hoursAgo(3) }), backup({ endedAt: hoursAgo(1) })] }),
    state: 'ok',
    reason: ['each followed by a completed one'],
  },
  {
    name: 'evaluate() fires failed-backup when a completed backup is followed by a failed one',
    history: history({ backups: [backup({ endedAt: hoursAgo(3) }), backup({ status: 'failed', endedAt: hoursAgo(1) })] }),
    state: 'alarm',
    reason: [shown(hoursAgo(1))],
  },
  {
    name: 'evaluate() dates a failed backup with no times by when it was first seen',
    history: history({ backups: [backup({ status: 'failed', startedAt: null, endedAt: null, firstSeenAt: hoursAgo(5) })] }),
    state: 'alarm',
    reason: [shown(hoursAgo(5))],
  },
  {
    name: 'evaluate() dates a failed backup with only a start time by its start',
    history: history({ backups: [backup({ status: 'failed', startedAt: hoursAgo(4), endedAt: null, firstSeenAt: hoursAgo(3) })] }),
    state: 'alarm',
    reason: [shown(hoursAgo(4))],
  },
  {
    name: 'evaluate() fires failed-backup for a failure exactly lookback ago (the window is inclusive)',
    history: history({ backups: [backup({ status: 'failed', endedAt: NOW - DAY })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() fires failed-backup for a failure one second inside lookback',
    history: history({ backups: [backup({ status: 'failed', endedAt: NOW - DAY + SECOND })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() keeps failed-backup ok for a failure one second before lookback',
    history: history({ backups: [backup({ status: 'failed', endedAt: NOW - DAY - SECOND })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() never lets a backup with an unknown status clear a failure',
    history: history({
      backups: [backup({ status: 'failed', endedAt: hoursAgo(3) }), backup({ status: 'unknown', endedAt: hoursAgo(1) })],
    }),
    state: 'alarm',
  },
  {
    name: 'evaluate() ignores a completed backup that ends after now when deciding whether a failure was followed',
    history: history({ backups: [backup({ status: 'failed', endedAt: hoursAgo(3) }), backup({ endedAt: NOW + HOUR })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() ignores a failure after now (evaluating as of the past)',
    history: history({ backups: [backup({ status: 'failed', endedAt: hoursAgo(1) })] }),
    now: hoursAgo(2),
    state: 'ok',
  },
  {
    name: 'evaluate() counts every failure since the last completed backup',
    history: history({
      backups: [
        backup({ endedAt: hoursAgo(6) }),
        backup({ status: 'failed', endedAt: hoursAgo(4) }),
        backup({ status: 'failed', endedAt: hoursAgo(2) }),
      ],
    }),
    state: 'alarm',
    reason: [shown(hoursAgo(2)), '2 failures since the last completed backup'],
  },
  {
    name: 'evaluate() applies a longer lookback from the config',
    history: history({ backups: [backup({ status: 'failed', endedAt: hoursAgo(30) })] }),
    params: { lookback: '2d' },
    state: 'alarm',
    reason: [shown(hoursAgo(30))],
  },
];

describe('failed-backup', () => {
  it.each(cases)('$name', (c) => expectCase(failedBackup, c));

  it('params: {} gives lookback 24h', () => {
    expect(failedBackup.params.parse({})).toEqual({ lookback: DAY });
  });
  it('params: an unknown parameter is rejected', () => {
    expect(paramProblems(failedBackup, { maxAge: '24h' }).join('\n')).toMatch(/maxAge/);
  });
  it('params: a bad duration is rejected with a message naming it', () => {
    expect(paramProblems(failedBackup, { lookback: '-1h' })).toEqual([expect.stringMatching(/^lookback: invalid duration "-1h"/)]);
  });
});
