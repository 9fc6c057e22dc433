import { z } from 'zod';
import { at } from './format.js';
import { alarm, cannotJudge, defineRule, ok, type PollFact } from './types.js';

/** A poll that says something about whether the instance exists: it listed backups, or the provider denied the instance. */
const decisive = (p: PollFact): boolean => p.ok || p.errorKind === 'not-found';

/**
 * Alarms when the provider says the instance does not exist. Only successful and `not-found` polls
 * count: a network or auth failure says nothing about the instance, so it neither raises nor resolves this.
 */
export const targetMissing = defineRule({
  id: 'target-missing',
  description: 'the provider says the instance does not exist',
  defaultSeverity: 'critical',
  needsSuccessfulPoll: false,
  params: z.strictObject({}),
  evaluate({ target, history, now }) {
    // The port promises newest first and nothing after `now`; re-establishing both keeps the rule total.
    const polls = history.polls.filter((p) => p.finishedAt <= now).sort((x, y) => y.finishedAt - x.finishedAt);
    const newest = polls[0];
    if (!newest) return cannotJudge('not polled yet; nothing to judge until the first poll finishes');
    const instance = `instance ${target.instance} (${target.service})`;
    const lastIndex = polls.findIndex(decisive);
    const last = polls[lastIndex];
    const failure = `the latest poll at ${at(newest.finishedAt)} failed with ${newest.errorKind ?? 'an error'}`;
    if (!last) return cannotJudge(`no poll has had an answer about ${instance} yet; ${failure}`);
    const aside = newest === last ? '' : `; ${failure}, which says nothing about the instance`;
    if (last.ok) return ok(`the provider listed the backups of ${instance} at ${at(last.finishedAt)}${aside}`);
    // How long it has been missing: the run of not-found answers since the last poll that found the instance.
    const run = polls.slice(lastIndex).filter(decisive);
    const foundIndex = run.findIndex((p) => p.ok);
    const missing = foundIndex === -1 ? run : run.slice(0, foundIndex);
    const since = missing[missing.length - 1] ?? last;
    const message = last.errorMessage ? ` (${JSON.stringify(last.errorMessage)})` : '';
    const runNote = since === last ? '' : `, and in every answer since ${at(since.finishedAt)}`;
    return alarm(
      `the provider reported ${instance} as not found at ${at(last.finishedAt)}${message}${runNote}${aside}; ` +
        `check whether it was deleted or renamed, and update or remove target ${target.id}`,
      { notFoundSince: since.finishedAt, lastNotFoundAt: last.finishedAt },
    );
  },
});
