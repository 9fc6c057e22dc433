import { describe, expect, it } from 'vitest';
import { backupGap } from '../../rules/backup-gap.js';
import {
  backup,
  DAY,
  expectCase,
  HOUR,
  history,
  hoursAgo,
  judge,
  paramProblems,
  type RuleCase,
  shown,
} from '../helpers/history-builder.js';

/** Completed full backups that ended the given hours ago, named `h<hours>`. */
const nightly = (...hours: number[]) => hours.map((h) => backup({ backupId: `h${h}`, endedAt: hoursAgo(h) }));

const cases: RuleCase[] = [
  {
    name: 'is ok when daily backups were never more than 26h apart',
    history: history({ backups: nightly(2, 26, 50, 74, 98, 122, 146, 170, 194) }),
    state: 'ok',
  },
  {
    name: 'alarms for a missed night made up the next day, naming both backups and the gap',
    history: history({ backups: nightly(2, 26, 74, 98, 122) }),
    state: 'alarm',
    reason: ['2d between backup h74', `ended ${shown(hoursAgo(74))}`, 'and backup h26', 'policy maxGap 1d 2h within 7d'],
  },
  {
    name: 'forgets a gap closed before the window',
    history: history({ backups: nightly(2, 26, 50, 74, 98, 122, 146, 170, 194, 242) }),
    state: 'ok',
  },
  {
    name: 'does not judge the gap still open (recent-success does)',
    history: history({ backups: nightly(100, 124) }),
    state: 'ok',
  },
  {
    name: 'knows of a gap whose earlier backup ended before the lookback, without naming it',
    history: history({ backups: nightly(2, 26, 500) }),
    state: 'alarm',
    reason: ['no completed backup for more than', 'before backup h26'],
  },
  {
    name: 'is ok for the first backup on record',
    history: history({ backups: nightly(2) }),
    state: 'ok',
  },
  {
    name: 'ignores failed backups and other kinds when told to',
    history: history({
      backups: [
        ...nightly(2, 50),
        backup({ backupId: 'failed', status: 'failed', endedAt: hoursAgo(26) }),
        backup({ backupId: 'incr', kind: 'incremental', endedAt: hoursAgo(27) }),
      ],
    }),
    params: { kinds: ['full'] },
    state: 'alarm',
    reason: ['2d between backup h50', 'and backup h2', '(full only)'],
  },
  {
    name: 'follows maxGap as configured',
    history: history({ backups: nightly(2, 50) }),
    params: { maxGap: '3d' },
    state: 'ok',
  },
];

describe('backup-gap', () => {
  it.each(cases)('$name', (c) => expectCase(backupGap, c));

  it('reports the longest gap and how many there were', () => {
    const r = judge(backupGap, { history: history({ backups: nightly(2, 40, 100) }) });
    expect(r.state).toBe('alarm');
    expect(r.reason).toContain('2 such gaps');
    expect(r.details).toMatchObject({ fromBackupId: 'h100', toBackupId: 'h40', gapMs: 60 * HOUR });
  });

  it('reads window + maxGap back, judges from the listing alone, and names a bad parameter', () => {
    expect(backupGap.historyNeeds?.(backupGap.params.parse({}))).toEqual({ lookbackMs: 7 * DAY + 26 * HOUR });
    expect(backupGap.judgesListingAlone).toBe(true);
    expect(paramProblems(backupGap, { window: 'soon' })).toEqual([expect.stringMatching(/^window: invalid duration/)]);
  });
});
