import { iso } from '../clock.js';
import { evaluateTargets, type EvaluationSummary } from './evaluate.js';
import { deliverDue, type DeliverySummary } from '../notify/deliver.js';
import { releaseOrphans } from '../notify/outbox.js';
import type { AppDeps } from './deps.js';
import { pollTargets, type PollObserver, type PollSummary } from './poll.js';

export interface CycleSummary {
  readonly polls: readonly PollSummary[];
  readonly evaluation: EvaluationSummary;
  readonly delivery: DeliverySummary;
  readonly released: number;
}

/**
 * One full cycle, as `run-once` does it: give back a crashed predecessor's claims, poll every target,
 * evaluate at the cycle's instant, and deliver everything due (groupWait does not apply: the cycle is complete).
 */
export async function runCycle(deps: AppDeps, opts: { targetIds?: readonly string[]; observer?: PollObserver } = {}): Promise<CycleSummary> {
  const released = releaseOrphans(deps.db, deps.clock());
  if (released > 0) deps.log.warn({ released }, 'notifications claimed by a process that died were put back in the outbox');
  const targets = deps.loaded.config.targets.filter((t) => !opts.targetIds || opts.targetIds.includes(t.id));
  const slot = iso(deps.clock());
  deps.log.debug({ slot, targets: targets.length }, 'cycle started');
  const polls = await pollTargets(deps, targets, opts.observer);
  const evaluation = evaluateTargets(deps, { targetIds: targets.map((t) => t.id) });
  const delivery = await deliverDue(deps, { flush: true });
  return { polls, evaluation, delivery, released };
}
