import { describe, expect, it } from 'vitest';
import { recentSuccess } from '../../rules/recent-success.js';
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
    name: 'evaluate() keeps recent-success ok when the last completed backup ended 2h ago',
    history: history({ backups: [backup({ endedAt: hoursAgo(2) })] }),
    state: 'ok',
    reason: [shown(hoursAgo(2)), '2h ago', 'policy 1d'],
  },
  {
    name: 'evaluate() fires recent-success when the last COMPLETED backup is 25h old',
    history: history({ backups: [backup({ endedAt: hoursAgo(25) })] }),
    state: 'alarm',
    reason: [shown(hoursAgo(25)), '1d 1h ago', 'policy 1d'],
  },
  {
    name: 'evaluate() keeps recent-success ok when the backup ended exactly maxAge ago',
    history: history({ backups: [backup({ endedAt: NOW - DAY })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() keeps recent-success ok when the backup ended one second inside maxAge',
    history: history({ backups: [backup({ endedAt: NOW - DAY + SECOND })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() fires recent-success when the backup ended one second past maxAge',
    history: history({ backups: [backup({ endedAt: NOW - DAY - SECOND })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() fires recent-success when no backup is on record',
    history: history(),
    state: 'alarm',
    reason: ['no completed backup on record', 'policy 1d'],
  },
  {
    name: 'evaluate() never counts a backup with an unknown status as completed',
    history: history({ backups: [backup({ status: 'unknown', rawStatus: 'Succeeded?', endedAt: hoursAgo(1) })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() never counts a failed backup as completed',
    history: history({ backups: [backup({ status: 'failed', endedAt: hoursAgo(1) })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() never counts an expired backup as completed',
    history: history({ backups: [backup({ status: 'expired', rawStatus: 'Expired', endedAt: hoursAgo(1) })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() never counts a backup being deleted as completed',
    history: history({ backups: [backup({ status: 'deleting', rawStatus: 'DELETING', endedAt: hoursAgo(1) })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() ignores a completed backup without an end time',
    history: history({ backups: [backup({ endedAt: null })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() ignores a backup that ends after now and judges the one before it',
    history: history({ backups: [backup({ endedAt: NOW + HOUR }), backup({ endedAt: hoursAgo(30) })] }),
    state: 'alarm',
    reason: [shown(hoursAgo(30))],
  },
  {
    name: 'evaluate() as of two days ago ignores the backups that ended since',
    history: history({ backups: [backup({ endedAt: hoursAgo(1) })] }),
    now: hoursAgo(48),
    state: 'alarm',
  },
  {
    name: 'evaluate() as of two days ago is ok with a backup that ended shortly before then',
    history: history({ backups: [backup({ endedAt: hoursAgo(50) }), backup({ endedAt: hoursAgo(1) })] }),
    now: hoursAgo(48),
    state: 'ok',
    reason: [shown(hoursAgo(50)), '2h ago'],
  },
  {
    name: 'evaluate() does not let an incremental backup satisfy a full-only policy',
    history: history({ backups: [backup({ kind: 'incremental', endedAt: hoursAgo(1) }), backup({ kind: 'full', endedAt: hoursAgo(30) })] }),
    params: { kinds: ['full'] },
    state: 'alarm',
    reason: [shown(hoursAgo(30)), '(full only)'],
  },
  {
    name: 'evaluate() lets a full backup satisfy a full-only policy',
    history: history({ backups: [backup({ kind: 'full', endedAt: hoursAgo(1) })] }),
    params: { kinds: ['full'] },
    state: 'ok',
  },
  {
    name: 'evaluate() counts an incremental backup when the policy lists incrementals',
    history: history({ backups: [backup({ kind: 'incremental', endedAt: hoursAgo(1) })] }),
    params: { kinds: ['full', 'incremental'] },
    state: 'ok',
    reason: ['(full/incremental only)'],
  },
  {
    name: 'evaluate() is ok when a completed backup follows a failed one',
    history: history({ backups: [backup({ status: 'failed', endedAt: hoursAgo(3) }), backup({ endedAt: hoursAgo(1) })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() stays ok when a recent completed backup is followed by a failed one',
    history: history({ backups: [backup({ endedAt: hoursAgo(3) }), backup({ status: 'failed', endedAt: hoursAgo(1) })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() applies a tighter maxAge from the config and names it in the reason',
    history: history({ backups: [backup({ endedAt: hoursAgo(13) })] }),
    params: { maxAge: '12h' },
    state: 'alarm',
    reason: [shown(hoursAgo(13)), 'policy 12h'],
  },
];

describe('recent-success', () => {
  it.each(cases)('$name', (c) => expectCase(recentSuccess, c));

  it('params: {} gives maxAge 24h and every kind', () => {
    expect(recentSuccess.params.parse({})).toEqual({ maxAge: DAY, kinds: [] });
  });
  it('params: an ISO-8601 duration is accepted', () => {
    expect(recentSuccess.params.parse({ maxAge: 'PT12H' })).toEqual({ maxAge: 12 * HOUR, kinds: [] });
  });
  it('params: an unknown parameter is rejected', () => {
    expect(paramProblems(recentSuccess, { maxAgee: '24h' }).join('\n')).toMatch(/maxAgee/);
  });
  it('params: a bad duration is rejected with a message naming it', () => {
    expect(paramProblems(recentSuccess, { maxAge: 'soon' })).toEqual([expect.stringMatching(/^maxAge: invalid duration "soon"/)]);
  });
  it('params: an unknown backup kind is rejected', () => {
    expect(paramProblems(recentSuccess, { kinds: ['snapshot'] })).toEqual([expect.stringMatching(/^kinds\.0: /)]);
  });
});
