import { describe, expect, it } from 'vitest';
import { targetMissing } from '../../rules/target-missing.js';
import {
  expectCase,
  failedPoll,
  history,
  minutesAgo,
  okPoll,
  paramProblems,
  poll,
  type RuleCase,
  shown,
} from '../helpers/history-builder.js';

const notFound = (minutes: number) =>
  poll({ ok: false, errorKind: 'not-found', errorMessage: 'DBInstance LLtYwYlt not found', finishedAt: minutesAgo(minutes) });

const cases: RuleCase[] = [
  {
    name: 'evaluate() cannot judge target-missing before the first poll ("not polled yet")',
    history: history({ polls: [] }),
    state: 'error',
    reason: ['not polled yet'],
  },
  {
    name: 'evaluate() keeps target-missing ok when the last poll succeeded',
    history: history({ polls: [notFound(60), okPoll(30)] }),
    state: 'ok',
    reason: ['instance LLtYwYlt (upgsql)', shown(minutesAgo(30))],
  },
  {
    name: 'evaluate() fires target-missing when the provider says the instance does not exist',
    history: history({ polls: [okPoll(90), notFound(60), notFound(30)] }),
    state: 'alarm',
    reason: [
      'instance LLtYwYlt (upgsql)',
      'not found',
      shown(minutesAgo(30)),
      `since ${shown(minutesAgo(60))}`,
      'DBInstance LLtYwYlt not found',
      'orders-pg',
    ],
  },
  {
    name: 'evaluate() fires target-missing for a target that was never found',
    history: history({ polls: [notFound(30)] }),
    state: 'alarm',
  },
  {
    name: 'evaluate() keeps target-missing firing through a network blip',
    history: history({ polls: [notFound(60), failedPoll(30, 'network')] }),
    state: 'alarm',
    reason: [shown(minutesAgo(60)), 'says nothing about the instance'],
  },
  {
    name: 'evaluate() keeps target-missing ok through a network blip',
    history: history({ polls: [okPoll(60), failedPoll(30, 'network'), failedPoll(20, 'auth')] }),
    state: 'ok',
    reason: [shown(minutesAgo(60)), 'failed with auth'],
  },
  {
    name: 'evaluate() cannot judge target-missing when no poll ever reached the provider',
    history: history({ polls: [failedPoll(60, 'auth'), failedPoll(30, 'network')] }),
    state: 'error',
    reason: ['network'],
  },
  {
    name: 'evaluate() dates target-missing from the first not-found after the last success, skipping blips',
    history: history({ polls: [notFound(120), okPoll(100), notFound(80), failedPoll(70), notFound(50)] }),
    state: 'alarm',
    reason: [`since ${shown(minutesAgo(80))}`],
  },
  {
    name: 'evaluate() ignores polls that finish after now (evaluating as of the past)',
    history: history({ polls: [okPoll(60), notFound(30)] }),
    now: minutesAgo(45),
    state: 'ok',
  },
];

describe('target-missing', () => {
  it.each(cases)('$name', (c) => expectCase(targetMissing, c));

  it('params: {} parses to no parameters', () => {
    expect(targetMissing.params.parse({})).toEqual({});
  });
  it('params: any parameter is rejected', () => {
    expect(paramProblems(targetMissing, { after: 2 }).join('\n')).toMatch(/after/);
  });
  it('is critical by default and runs without a successful poll', () => {
    expect([targetMissing.defaultSeverity, targetMissing.needsSuccessfulPoll]).toEqual(['critical', false]);
  });
});
