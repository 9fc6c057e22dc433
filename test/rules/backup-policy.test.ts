import { describe, expect, it } from 'vitest';
import { backupPolicy, windowInside } from '../../rules/backup-policy.js';
import { coverage } from '../../rules/coverage.js';
import type { PolicyEvidence, TargetHistory } from '../../rules/types.js';
import type { BackupPolicy } from '../../src/domain/policy.js';
import { expectCase, history, hoursAgo, paramProblems, type RuleCase, shown } from '../helpers/history-builder.js';

const policy = (over: Partial<BackupPolicy> = {}): BackupPolicy => ({
  automated: true,
  retentionDays: 7,
  retentionIsCount: false,
  window: { startMinute: 120, endMinute: 180 },
  weekdays: [0, 1, 2, 3, 4, 5, 6],
  source: 'backup_strategy',
  ...over,
});
const read = (p: BackupPolicy | { unavailable: string; failed?: boolean }): PolicyEvidence => ({
  kind: 'read',
  readAt: hoursAgo(2),
  policy: p,
});
const withPolicy = (evidence: PolicyEvidence): TargetHistory => ({ ...history(), policy: evidence });

const cases: RuleCase[] = [
  {
    name: 'evaluate() keeps backup-policy ok for a daily policy kept 7 days',
    history: withPolicy(read(policy())),
    state: 'ok',
    reason: ['kept 7 days', shown(hoursAgo(2))],
  },
  {
    name: 'evaluate() fires backup-policy when automated backup is off (keep_days 0)',
    history: withPolicy(read(policy({ automated: false, retentionDays: 0 }))),
    state: 'alarm',
    reason: ['automated backup is off', 'backup_strategy'],
  },
  {
    name: 'evaluate() fires backup-policy for a retention one day short of the standard',
    history: withPolicy(read(policy({ retentionDays: 6 }))),
    state: 'alarm',
    reason: ['keeps automated backups 6 days; standard 7 days'],
  },
  {
    name: 'evaluate() keeps backup-policy ok for a retention exactly at the standard',
    history: withPolicy(read(policy({ retentionDays: 35 }))),
    params: { minRetentionDays: 35 },
    state: 'ok',
  },
  {
    name: 'evaluate() says a UCloud BackupCount is a number of files, not days',
    history: withPolicy(read(policy({ retentionDays: 3, retentionIsCount: true }))),
    state: 'alarm',
    reason: ['keeps 3 backup files (a count, not days'],
  },
  {
    name: 'evaluate() fires backup-policy for backups on three weekdays',
    history: withPolicy(read(policy({ weekdays: [1, 3, 5] }))),
    state: 'alarm',
    reason: ['backs up on 3 days a week (Mon, Wed, Fri); standard 7'],
  },
  {
    name: 'evaluate() keeps backup-policy ok for three weekdays when the standard asks three',
    history: withPolicy(read(policy({ weekdays: [1, 3, 5] }))),
    params: { minDaysPerWeek: 3 },
    state: 'ok',
  },
  {
    name: 'evaluate() fires backup-policy for a window outside the standard',
    history: withPolicy(read(policy({ window: { startMinute: 600, endMinute: 660 } }))),
    params: { window: '00:00-06:00' },
    state: 'alarm',
    reason: ['backup window 10:00-11:00 UTC is not inside 00:00-06:00 UTC'],
  },
  {
    name: 'evaluate() accepts a window crossing midnight inside a standard crossing midnight',
    history: withPolicy(read(policy({ window: { startMinute: 1410, endMinute: 30 } }))),
    params: { window: '22:00-02:00' },
    state: 'ok',
  },
  {
    name: 'evaluate() cannot judge backup-policy when the retention was not reported',
    history: withPolicy(read(policy({ retentionDays: null }))),
    state: 'error',
    reason: ['did not report the retention'],
  },
  {
    name: 'evaluate() skips backup-policy where the service exposes no policy (TiDB)',
    history: withPolicy(read({ unavailable: 'UCloud TiDB exposes no backup policy' })),
    state: 'skip',
    reason: ['TiDB'],
  },
  {
    name: 'evaluate() cannot judge backup-policy when reading the policy failed',
    history: withPolicy(read({ unavailable: 'reading the policy failed: timeout', failed: true })),
    state: 'error',
    reason: ['reading the policy failed'],
  },
  {
    name: 'evaluate() cannot judge backup-policy before discovery read a policy',
    history: withPolicy({ kind: 'not-read' }),
    state: 'error',
    reason: ['no backup policy read'],
  },
  {
    name: 'evaluate() skips backup-policy for an account that does not discover',
    history: withPolicy({ kind: 'not-discovering' }),
    state: 'skip',
    reason: ['discover:'],
  },
];

describe('backup-policy', () => {
  it.each(cases)('$name', (c) => expectCase(backupPolicy, c));

  it('names a malformed window parameter', () => {
    expect(paramProblems(backupPolicy, { window: '2am-4am' })).toEqual(['window: must be HH:MM-HH:MM (UTC), e.g. 01:00-05:00']);
  });

  it.each([
    [[120, 180], [0, 360], true],
    [[0, 360], [0, 360], true],
    [[330, 390], [0, 360], false],
    [[1410, 30], [1380, 60], true],
    [[1410, 30], [0, 360], false],
    [[30, 60], [1380, 120], true],
  ] as const)('windowInside(%j, %j) is %s', (inner, outer, expected) => {
    expect(windowInside({ startMinute: inner[0], endMinute: inner[1] }, { startMinute: outer[0], endMinute: outer[1] })).toBe(expected);
  });
});

describe('coverage', () => {
  const at = hoursAgo(1);
  it.each<RuleCase>([
    {
      name: 'evaluate() keeps coverage ok for a target discovery lists',
      history: { ...history(), coverage: { kind: 'targeted', lastDiscoveryAt: at } },
      state: 'ok',
      reason: [shown(at)],
    },
    {
      name: 'evaluate() fires coverage for a target discovery no longer lists',
      history: { ...history(), coverage: { kind: 'missing', lastDiscoveryAt: at, goneAt: hoursAgo(2) } },
      state: 'alarm',
      reason: ['is not listed by the discovery', 'deleted or renamed?'],
    },
    {
      name: 'evaluate() fires coverage for an uncovered instance, quoting its name',
      history: {
        ...history(),
        coverage: { kind: 'uncovered', account: 'ali', service: 'rds', instance: 'rm-9', name: 'crm "main"', firstSeenAt: at },
      },
      state: 'alarm',
      reason: ['rds instance rm-9 ("crm \\"main\\"") in account ali', 'add a target, or exclude it'],
    },
    {
      name: 'evaluate() cannot judge coverage before the first discovery',
      history: { ...history(), coverage: { kind: 'not-discovered' } },
      state: 'error',
    },
  ])('$name', (c) => expectCase(coverage, c));
});
