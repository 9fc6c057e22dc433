import { describe, expect, it } from 'vitest';
import { pollFailing } from '../../rules/poll-failing.js';
import {
  expectCase,
  failedPoll,
  HOUR,
  history,
  minutesAgo,
  NOW,
  okPoll,
  paramProblems,
  poll,
  type RuleCase,
  refusedPoll,
  SECOND,
  shown,
} from '../helpers/history-builder.js';

const cases: RuleCase[] = [
  {
    name: 'evaluate() cannot judge poll-failing before the first poll ("not polled yet")',
    history: history({ polls: [] }),
    state: 'error',
    reason: ['not polled yet'],
  },
  {
    name: 'evaluate() keeps poll-failing ok when the last poll succeeded 30m ago',
    history: history({ polls: [okPoll(30)] }),
    state: 'ok',
    reason: [shown(minutesAgo(30)), '30m ago', 'policy: alarm after 3 failed poll(s) in a row or 2h without a successful poll'],
  },
  {
    name: 'evaluate() fires poll-failing when the last 3 polls failed',
    history: history({
      polls: [
        okPoll(100),
        failedPoll(90, 'auth'),
        failedPoll(60, 'auth'),
        poll({ ok: false, errorKind: 'auth', errorMessage: 'signature mismatch', finishedAt: minutesAgo(30) }),
      ],
    }),
    state: 'alarm',
    reason: [
      '3 failed poll(s) in a row',
      `since ${shown(minutesAgo(90))}`,
      'auth: signature mismatch',
      `last successful poll ${shown(minutesAgo(100))}`,
    ],
  },
  {
    name: 'evaluate() keeps poll-failing ok after 2 failed polls within maxStaleness',
    history: history({ polls: [okPoll(90), failedPoll(60), failedPoll(30)] }),
    state: 'ok',
    reason: ['2 failed poll(s) in a row', 'network'],
  },
  {
    name: 'evaluate() keeps poll-failing ok when a success ends a run of failures',
    history: history({ polls: [failedPoll(90), failedPoll(60), failedPoll(45), okPoll(30)] }),
    state: 'ok',
  },
  {
    name: 'evaluate() fires poll-failing when the only failed poll came after a success 2h and 1s ago',
    history: history({ polls: [poll({ finishedAt: NOW - 2 * HOUR - SECOND }), failedPoll(30)] }),
    state: 'alarm',
    reason: ['1 failed poll(s) in a row', 'network'],
  },
  {
    name: 'evaluate() keeps poll-failing ok with a successful poll exactly maxStaleness ago',
    history: history({ polls: [poll({ finishedAt: NOW - 2 * HOUR })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() keeps poll-failing ok with a successful poll one second inside maxStaleness',
    history: history({ polls: [poll({ finishedAt: NOW - 2 * HOUR + SECOND })] }),
    state: 'ok',
  },
  {
    name: 'evaluate() fires poll-failing when no poll at all ran since a success one second past maxStaleness',
    history: history({ polls: [poll({ finishedAt: NOW - 2 * HOUR - SECOND })] }),
    state: 'alarm',
    reason: ['no poll since the last successful one', shown(NOW - 2 * HOUR - SECOND), 'scheduler'],
  },
  {
    name: 'evaluate() keeps poll-failing ok for a target whose only poll failed 30m ago',
    history: history({ polls: [failedPoll(30)] }),
    state: 'ok',
    reason: ['no poll has ever succeeded'],
  },
  {
    name: 'evaluate() fires poll-failing when a target never polled successfully and its first failure is 3h old',
    history: history({ polls: [failedPoll(180, 'not-found'), failedPoll(20, 'not-found')] }),
    state: 'alarm',
    reason: ['no poll has ever succeeded', `since ${shown(minutesAgo(180))}`, 'not-found'],
  },
  {
    name: 'evaluate() ignores polls that finish after now (evaluating as of the past)',
    history: history({ polls: [okPoll(100), failedPoll(30), failedPoll(20), failedPoll(10)] }),
    now: minutesAgo(60),
    state: 'ok',
    reason: [shown(minutesAgo(100)), '40m ago'],
  },
  {
    name: 'evaluate() applies after: 1 from the config',
    history: history({ polls: [okPoll(20), failedPoll(10)] }),
    params: { after: 1 },
    state: 'alarm',
    reason: ['alarm after 1 failed poll(s)'],
  },
  {
    name: 'evaluate() fires poll-failing at the first poll the provider refuses for good, naming the code and request id',
    history: history({ polls: [okPoll(60), refusedPoll(5)] }),
    state: 'alarm',
    reason: [
      'waiting will not fix it',
      'auth SignatureDoesNotMatch (request REQ-42)',
      'the request signature does not match',
      '1 failed poll(s)',
    ],
  },
  {
    name: 'evaluate() fires poll-failing on the very first poll of a target when its credentials are refused',
    history: history({ polls: [refusedPoll(1)] }),
    state: 'alarm',
    reason: ['waiting will not fix it', 'no poll has ever succeeded'],
  },
  {
    name: 'evaluate() keeps poll-failing ok on one refused poll when permanentAfter is 2',
    history: history({ polls: [okPoll(60), refusedPoll(5)] }),
    params: { permanentAfter: 2 },
    state: 'ok',
    reason: ['1 failed poll(s) in a row', 'or after 2 that waiting cannot fix'],
  },
  {
    name: 'evaluate() counts only the refused polls since the newest transient failure toward permanentAfter',
    history: history({ polls: [okPoll(60), refusedPoll(30), failedPoll(20, 'timeout'), refusedPoll(5)] }),
    params: { permanentAfter: 2, after: 4 },
    state: 'ok',
    reason: ['3 failed poll(s) in a row'],
  },
  {
    name: 'evaluate() leaves an instance the provider does not know to target-missing rather than alarming at once',
    history: history({ polls: [okPoll(60), refusedPoll(5, { errorKind: 'not-found', errorCode: 'InvalidDBInstanceId.NotFound' })] }),
    state: 'ok',
    reason: ['1 failed poll(s) in a row', 'not-found'],
  },
  {
    name: 'evaluate() keeps poll-failing ok on one transient failure, which may fix itself',
    history: history({ polls: [okPoll(60), failedPoll(5, 'throttled')] }),
    state: 'ok',
    reason: ['1 failed poll(s) in a row', 'throttled'],
  },
];

describe('poll-failing', () => {
  it.each(cases)('$name', (c) => expectCase(pollFailing, c));

  it('params: {} gives after 3, maxStaleness 2h and permanentAfter 1', () => {
    expect(pollFailing.params.parse({})).toEqual({ after: 3, maxStaleness: 2 * HOUR, permanentAfter: 1 });
  });
  it('params: an unknown parameter is rejected', () => {
    expect(paramProblems(pollFailing, { count: 3 }).join('\n')).toMatch(/count/);
  });
  it('params: a bad duration is rejected with a message naming it', () => {
    expect(paramProblems(pollFailing, { maxStaleness: '2 h' })).toEqual([expect.stringMatching(/^maxStaleness: invalid duration "2 h"/)]);
  });
  it('params: after must be a whole number of at least 1', () => {
    expect(paramProblems(pollFailing, { after: 0 })).toEqual([expect.stringMatching(/^after: /)]);
    expect(paramProblems(pollFailing, { after: 1.5 })).toEqual([expect.stringMatching(/^after: /)]);
  });
  it('is critical by default and runs without a successful poll', () => {
    expect([pollFailing.defaultSeverity, pollFailing.needsSuccessfulPoll]).toEqual(['critical', false]);
  });
});
