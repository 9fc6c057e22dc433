import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import { ago, at, span } from './format.js';
import { alarm, cannotJudge, defineRule, ok, type PollFact } from './types.js';

/** `auth: signature mismatch`: what went wrong at the last poll, in the provider adapter's words. */
const errorText = (p: PollFact): string => `${p.errorKind ?? 'error'}${p.errorMessage ? `: ${p.errorMessage}` : ''}`;

/** `auth SignatureDoesNotMatch (request 5F2C…)`: the error class with the provider's code and request id. */
const errorClass = (p: PollFact): string =>
  [p.errorKind ?? 'error', p.errorCode].filter(Boolean).join(' ') + (p.requestId ? ` (request ${p.requestId})` : '');

/**
 * Alarms when the last `permanentAfter` polls failed in a way waiting cannot fix (bad credentials, an
 * unknown instance, a rejected request: by default at the first such poll), when the last `after` polls
 * all failed, or when no poll succeeded within `maxStaleness` of now. The last condition also catches a
 * scheduler that stopped polling altogether: no poll means no successful poll either.
 */
export const pollFailing = defineRule({
  id: 'poll-failing',
  description: 'the last polls failed, or no successful poll within maxStaleness',
  defaultSeverity: 'critical',
  needsSuccessfulPoll: false,
  params: z.strictObject({
    after: z.number().int().min(1).default(3).describe('alarm when this many polls in a row failed'),
    maxStaleness: duration.prefault('2h').describe('alarm when no poll succeeded within this'),
    permanentAfter: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('alarm when this many polls in a row failed in a way waiting cannot fix (auth, not found, rejected request)'),
  }),
  evaluate({ history, now, params }) {
    // The port promises newest first and nothing after `now`; re-establishing both costs little and keeps the rule total.
    const polls = history.polls.filter((p) => p.finishedAt <= now).sort((x, y) => y.finishedAt - x.finishedAt);
    const policy =
      `policy: alarm after ${params.after} failed poll(s) in a row or ${span(params.maxStaleness)} without a successful poll, ` +
      `or after ${params.permanentAfter} that waiting cannot fix`;
    const newest = polls[0];
    if (!newest) return cannotJudge(`not polled yet; nothing to judge until the first poll finishes; ${policy}`);
    if (newest.ok) {
      const age = now - newest.finishedAt;
      const details = { consecutiveFailures: 0, lastSuccessAt: newest.finishedAt };
      return age > params.maxStaleness
        ? alarm(
            `no poll since the last successful one at ${at(newest.finishedAt)}, ${ago(age)} ago; ` +
              `check that the scheduler and workers are running; ${policy}`,
            details,
          )
        : ok(`last successful poll ${at(newest.finishedAt)}, ${ago(age)} ago; ${policy}`, details);
    }
    const lastOkIndex = polls.findIndex((p) => p.ok);
    const lastOk = lastOkIndex === -1 ? undefined : polls[lastOkIndex];
    // The failures since the last success (every poll when none ever succeeded), newest first.
    const failures = lastOk ? polls.slice(0, lastOkIndex) : polls;
    const firstFailure = failures[failures.length - 1] ?? newest;
    // Without any success the target has gone unwatched since its first (failed) poll.
    const staleFor = now - (lastOk ?? firstFailure).finishedAt;
    const details = {
      consecutiveFailures: failures.length,
      lastSuccessAt: lastOk?.finishedAt ?? null,
      failingSince: firstFailure.finishedAt,
      lastErrorKind: newest.errorKind,
      lastErrorPermanent: newest.permanent === true,
    };
    const lastSuccess = lastOk ? `last successful poll ${at(lastOk.finishedAt)}` : 'no poll has ever succeeded';
    const summary =
      `${failures.length} failed poll(s) in a row since ${at(firstFailure.finishedAt)}; ` +
      `last error at ${at(newest.finishedAt)}: ${errorText(newest)}; ${lastSuccess}`;
    // An instance the provider does not know is target-missing's to report; alarming here too would say it twice.
    const permanentRun = failures.findIndex((p) => p.permanent !== true || p.errorKind === 'not-found');
    if ((permanentRun === -1 ? failures.length : permanentRun) >= params.permanentAfter) {
      return alarm(
        `the provider refuses this poll and waiting will not fix it: ${errorClass(newest)}: ${newest.errorMessage ?? 'no message'}; ` +
          `fix the account's credentials or permissions, or the target, then poll again; ${summary}; ${policy}`,
        details,
      );
    }
    if (failures.length >= params.after || staleFor > params.maxStaleness) {
      return alarm(`polling has been failing for ${ago(now - firstFailure.finishedAt)}: ${summary}; ${policy}`, details);
    }
    return ok(`polling failed recently but within policy: ${summary}; ${policy}`, details);
  },
});
