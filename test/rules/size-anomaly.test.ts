import { describe, expect, it } from 'vitest';
import { bytes } from '../../rules/format.js';
import { sizeAnomaly } from '../../rules/size-anomaly.js';
import type { BackupFact } from '../../rules/types.js';
import {
  backup,
  daysAgo,
  expectCase,
  GiB,
  HOUR,
  history,
  hoursAgo,
  NOW,
  paramProblems,
  type RuleCase,
  shown,
} from '../helpers/history-builder.js';

/** Completed backups of these sizes, oldest first, one a day, the last ending 1h ago. */
const series = (sizes: readonly (number | null)[]): BackupFact[] =>
  sizes.map((sizeBytes, i) => backup({ sizeBytes, endedAt: hoursAgo(1) - (sizes.length - 1 - i) * 24 * HOUR }));

/** `n` equal sizes, to spread into `series`. */
const steady = (n: number, size: number): number[] => Array.from({ length: n }, () => size);

const cases: RuleCase[] = [
  {
    name: 'evaluate() keeps size-anomaly ok when the newest backup is as big as the ones before',
    history: history({ backups: series(steady(8, 10 * GiB)) }),
    state: 'ok',
    reason: ['10 GiB', 'the median 10 GiB of the previous 7'],
  },
  {
    name: 'evaluate() fires size-anomaly when the newest backup dropped to 40% of the median',
    history: history({
      backups: [
        ...series([10 * GiB, 9 * GiB, 11 * GiB, 10 * GiB, 9 * GiB, 11 * GiB, 10 * GiB]),
        backup({ backupId: 'bk-new', sizeBytes: 4 * GiB, endedAt: hoursAgo(0.5) }),
      ],
    }),
    state: 'alarm',
    reason: [
      'backup bk-new',
      shown(hoursAgo(0.5)),
      'is 4 GiB',
      '60% below',
      'the median 10 GiB',
      'policy: alarm below 50% of the median of the previous 7',
    ],
  },
  {
    name: 'evaluate() keeps size-anomaly ok for a backup at exactly (1 - maxDrop) x the median',
    history: history({ backups: series([...steady(7, 10 * GiB), 5 * GiB]) }),
    state: 'ok',
    reason: ['50% below'],
  },
  {
    name: 'evaluate() fires size-anomaly for a backup one byte under (1 - maxDrop) x the median',
    history: history({ backups: series([...steady(7, 10 * GiB), 5 * GiB - 1]) }),
    state: 'alarm',
  },
  {
    name: 'evaluate() fires size-anomaly for a 0-byte backup even without history',
    history: history({ backups: series([0]) }),
    state: 'alarm',
    reason: ['is 0 bytes', shown(hoursAgo(1))],
  },
  {
    name: 'evaluate() fires size-anomaly for a 0-byte backup with fewer than `history` earlier ones',
    history: history({ backups: series([10 * GiB, 10 * GiB, 0]) }),
    state: 'alarm',
    reason: ['is 0 bytes'],
  },
  {
    name: 'evaluate() keeps size-anomaly ok and says why when there are fewer than `history` earlier sizes',
    history: history({ backups: series([10 * GiB, 10 * GiB, 10 * GiB, 1 * GiB]) }),
    state: 'ok',
    reason: ['is 1 GiB', 'only 3 earlier sized full backups, 7 needed to judge a drop'],
  },
  {
    name: 'evaluate() keeps size-anomaly ok with a single earlier size and names it in the singular',
    history: history({ backups: series([10 * GiB, 1 * GiB]) }),
    state: 'ok',
    reason: ['only 1 earlier sized full backup, 7 needed'],
  },
  {
    name: 'evaluate() keeps size-anomaly ok when no completed backup has a known size',
    history: history({ backups: series([null, null]) }),
    state: 'ok',
    reason: ['no completed backup with a known size'],
  },
  {
    name: 'evaluate() judges the newest backup with a known size and skips those without',
    history: history({ backups: [...series([...steady(7, 10 * GiB), 1 * GiB]), backup({ sizeBytes: null, endedAt: hoursAgo(0.5) })] }),
    state: 'alarm',
    reason: ['is 1 GiB', '90% below'],
  },
  {
    name: 'evaluate() does not count earlier backups without a known size towards `history`',
    history: history({ backups: series([...steady(3, 10 * GiB), null, null, null, null, 1 * GiB]) }),
    params: { history: 4 },
    state: 'ok',
    reason: ['only 3 earlier sized full backups, 4 needed'],
  },
  {
    name: 'evaluate() compares only with the previous `history` backups',
    history: history({ backups: series([1 * GiB, 1 * GiB, 1 * GiB, 10 * GiB, 10 * GiB, 4 * GiB]) }),
    params: { history: 2 },
    state: 'alarm',
    reason: ['the median 10 GiB of the previous 2'],
  },
  {
    name: 'evaluate() uses the median, so one huge outlier does not raise the bar',
    history: history({ backups: series([10 * GiB, 10 * GiB, 500 * GiB, 10 * GiB, 10 * GiB, 10 * GiB, 10 * GiB, 8 * GiB]) }),
    state: 'ok',
    reason: ['20% below the median 10 GiB'],
  },
  {
    name: 'evaluate() never counts a backup with an unknown or failed status',
    history: history({
      backups: [
        ...series(steady(8, 10 * GiB)),
        backup({ status: 'unknown', sizeBytes: 0, endedAt: hoursAgo(0.5) }),
        backup({ status: 'failed', sizeBytes: 1, endedAt: hoursAgo(0.4) }),
      ],
    }),
    state: 'ok',
    reason: ['the median 10 GiB of the previous 7'],
  },
  {
    name: 'evaluate() ignores a backup that ends after now (evaluating as of the past)',
    history: history({ backups: [...series(steady(8, 10 * GiB)), backup({ sizeBytes: 0, endedAt: NOW + HOUR })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() compares an incremental backup with earlier incrementals, not with full ones',
    history: history({
      backups: [
        backup({ kind: 'full', sizeBytes: 10 * GiB, endedAt: daysAgo(3) }),
        backup({ kind: 'incremental', sizeBytes: GiB, endedAt: daysAgo(2.5) }),
        backup({ kind: 'full', sizeBytes: 10 * GiB, endedAt: daysAgo(2) }),
        backup({ kind: 'incremental', sizeBytes: GiB, endedAt: daysAgo(1.5) }),
        backup({ kind: 'full', sizeBytes: 10 * GiB, endedAt: daysAgo(1) }),
        backup({ kind: 'incremental', sizeBytes: GiB, endedAt: hoursAgo(1) }),
      ],
    }),
    params: { history: 2 },
    state: 'ok',
    reason: ['previous 2 completed incremental backups'],
  },
  {
    name: 'evaluate() does not count full backups towards the history of an incremental one',
    history: history({
      backups: [
        ...series(steady(3, 10 * GiB)),
        backup({ kind: 'incremental', sizeBytes: GiB, endedAt: hoursAgo(0.9) }),
        backup({ kind: 'incremental', sizeBytes: 1, endedAt: hoursAgo(0.5) }),
      ],
    }),
    params: { history: 2 },
    state: 'ok',
    reason: ['only 1 earlier sized incremental backup, 2 needed'],
  },
  {
    name: 'evaluate() applies a stricter maxDrop from the config',
    history: history({ backups: series([...steady(7, 10 * GiB), 8 * GiB]) }),
    params: { maxDrop: 0.1 },
    state: 'alarm',
    reason: ['20% below', 'alarm below 90% of the median'],
  },
];

/** For each `history`: one earlier size short of it is not judged, exactly `history` earlier sizes are. */
const thresholdCases: RuleCase[] = [2, 3, 7, 12].flatMap((n): RuleCase[] => [
  {
    name: `evaluate() keeps size-anomaly ok for a 10% backup after ${n - 1} earlier sizes when history is ${n}`,
    history: history({ backups: series([...steady(n - 1, 10 * GiB), 1 * GiB]) }),
    params: { history: n },
    state: 'ok',
    reason: [`only ${n - 1} earlier sized full backup`, `${n} needed to judge a drop`],
  },
  {
    name: `evaluate() fires size-anomaly for a 10% backup after exactly ${n} earlier sizes when history is ${n}`,
    history: history({ backups: series([...steady(n, 10 * GiB), 1 * GiB]) }),
    params: { history: n },
    state: 'alarm',
    reason: ['90% below', `the median 10 GiB of the previous ${n} completed full backups`],
  },
]);

describe('size-anomaly', () => {
  it.each(cases)('$name', (c) => expectCase(sizeAnomaly, c));
  it.each(thresholdCases)('$name', (c) => expectCase(sizeAnomaly, c));

  it('params: {} gives maxDrop 0.5 and history 7', () => {
    expect(sizeAnomaly.params.parse({})).toEqual({ maxDrop: 0.5, history: 7 });
  });
  it('params: an unknown parameter is rejected', () => {
    expect(paramProblems(sizeAnomaly, { minDrop: 0.5 }).join('\n')).toMatch(/minDrop/);
  });
  it('params: maxDrop outside 0..1 is rejected with a message naming it', () => {
    expect(paramProblems(sizeAnomaly, { maxDrop: 1.5 })).toEqual([expect.stringMatching(/^maxDrop: /)]);
    expect(paramProblems(sizeAnomaly, { maxDrop: -0.1 })).toEqual([expect.stringMatching(/^maxDrop: /)]);
  });
  it('params: history below 2 is rejected', () => {
    expect(paramProblems(sizeAnomaly, { history: 1 })).toEqual([expect.stringMatching(/^history: /)]);
  });
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 ** 2, '5 MiB'],
    [3.25 * GiB, '3.3 GiB'],
    [2 * 1024 ** 4, '2 TiB'],
  ])('bytes(%d) prints %s in binary units', (n, text) => {
    expect(bytes(n)).toBe(text);
  });
});
