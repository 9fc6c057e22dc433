import { describe, expect, it } from 'vitest';
import { retention } from '../../rules/retention.js';
import type { BackupFact } from '../../rules/types.js';
import { backup, DAY, daysAgo, expectCase, history, NOW, paramProblems, type RuleCase, SECOND, shown } from '../helpers/history-builder.js';

/** One completed backup a day, the newest ended `from` days ago. */
const daily = (count: number, from = 0.5, over: Partial<BackupFact> = {}): BackupFact[] =>
  Array.from({ length: count }, (_, i) => backup({ endedAt: daysAgo(from + i), ...over }));

const cases: RuleCase[] = [
  {
    name: 'evaluate() keeps retention ok with 7 completed backups in the last 7 days',
    history: history({ backups: daily(7) }),
    state: 'ok',
    reason: ['7 completed backup(s)', shown(daysAgo(7)), 'policy at least 7 completed backup(s) within 7d'],
  },
  {
    name: 'evaluate() fires retention with only 6 completed backups in the last 7 days',
    history: history({ backups: daily(6) }),
    state: 'alarm',
    reason: ['only 6 completed backup(s) ended since', shown(daysAgo(7)), shown(daysAgo(0.5)), 'policy at least 7'],
  },
  {
    name: 'evaluate() fires retention when no backup is on record',
    history: history(),
    state: 'alarm',
    reason: ['no completed backup ended since', shown(daysAgo(7))],
  },
  {
    name: 'evaluate() counts a backup that ended exactly window ago',
    history: history({ backups: [...daily(6), backup({ endedAt: NOW - 7 * DAY })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() counts a backup that ended one second inside window',
    history: history({ backups: [...daily(6), backup({ endedAt: NOW - 7 * DAY + SECOND })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() does not count a backup that ended one second before window',
    history: history({ backups: [...daily(6), backup({ endedAt: NOW - 7 * DAY - SECOND })] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() never counts backups with an unknown, failed, expired or running status',
    history: history({
      backups: [
        ...daily(6),
        backup({ status: 'unknown', endedAt: daysAgo(1) }),
        backup({ status: 'failed', endedAt: daysAgo(1) }),
        backup({ status: 'expired', endedAt: daysAgo(1) }),
        backup({ status: 'running', startedAt: daysAgo(1) }),
      ],
    }),
    state: 'alarm',
    reason: ['only 6'],
  },
  {
    name: 'evaluate() ignores backups that end after now (evaluating as of the past)',
    history: history({ backups: daily(7, 0.5) }),
    now: daysAgo(1),
    state: 'alarm',
    reason: ['only 6'],
  },
  {
    name: 'evaluate() does not let incremental backups satisfy a full-only policy',
    history: history({ backups: [...daily(3), ...daily(4, 0.25, { kind: 'incremental' })] }),
    params: { kinds: ['full'] },
    state: 'alarm',
    reason: ['only 3', '(full only)'],
  },
  {
    name: 'evaluate() applies minCount and window from the config',
    history: history({ backups: daily(3, 0.5) }),
    params: { minCount: 2, window: '2d' },
    state: 'ok',
    reason: ['2 completed backup(s)', 'within 2d'],
  },
  {
    name: 'evaluate() ignores how old the oldest backup is while minAge is off',
    history: history({ backups: daily(7) }),
    state: 'ok',
  },
  {
    name: 'evaluate() fires retention when the oldest completed backup is younger than minAge',
    history: history({ backups: daily(7) }),
    params: { minAge: '30d' },
    state: 'alarm',
    reason: ['the oldest completed backup on record', shown(daysAgo(6.5)), '6d 12h ago', 'the oldest at least 30d old'],
  },
  {
    name: 'evaluate() keeps retention ok when the oldest completed backup is exactly minAge old',
    history: history({ backups: [...daily(7), backup({ endedAt: NOW - 30 * DAY })] }),
    params: { minAge: '30d' },
    state: 'ok',
    reason: [shown(daysAgo(30))],
  },
  {
    name: 'evaluate() fires retention when the oldest completed backup is one second younger than minAge',
    history: history({ backups: [...daily(7), backup({ endedAt: NOW - 30 * DAY + SECOND })] }),
    params: { minAge: '30d' },
    state: 'alarm',
  },
  {
    name: 'evaluate() does not count an expired backup as still on record for minAge',
    history: history({
      backups: [...daily(7), backup({ status: 'expired', endedAt: daysAgo(40) }), backup({ status: 'deleting', endedAt: daysAgo(35) })],
    }),
    params: { minAge: '30d' },
    state: 'alarm',
  },
  {
    name: 'evaluate() reports both a short count and a young history in one reason',
    history: history({ backups: daily(2) }),
    params: { minAge: '30d' },
    state: 'alarm',
    reason: ['only 2', '; and the oldest completed backup on record'],
  },
];

describe('retention', () => {
  it.each(cases)('$name', (c) => expectCase(retention, c));

  it('params: {} gives minCount 7, window 7d, minAge off and every kind', () => {
    expect(retention.params.parse({})).toEqual({ minCount: 7, window: 7 * DAY, minAge: null, kinds: [] });
  });
  it('params: minAge takes a duration', () => {
    expect(retention.params.parse({ minAge: '30d' })).toMatchObject({ minAge: 30 * DAY });
  });
  it('params: an unknown parameter is rejected', () => {
    expect(paramProblems(retention, { maxCount: 7 }).join('\n')).toMatch(/maxCount/);
  });
  it('params: a bad duration is rejected with a message naming it', () => {
    expect(paramProblems(retention, { window: 'a week' })).toEqual([expect.stringMatching(/^window: invalid duration "a week"/)]);
    expect(paramProblems(retention, { minAge: '0h' })).toEqual([expect.stringMatching(/^minAge: invalid duration "0h"/)]);
  });
  it('is warning by default and needs a successful poll', () => {
    expect([retention.defaultSeverity, retention.needsSuccessfulPoll]).toEqual(['warning', true]);
  });
});
