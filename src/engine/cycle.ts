import { iso } from '../core/clock.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { evaluateCoverage } from '../discovery/evaluate.js';
import { type DiscoverySummary, discoverAll, discoveringAccounts } from '../discovery/run.js';
import { type DeliverySummary, deliverDue } from '../notify/deliver.js';
import { releaseOrphans } from '../notify/outbox.js';
import { accountThrottle } from '../providers/rate-limits.js';
import { LocalRateLimiter } from '../queue/local.js';
import type { AppDeps } from './deps.js';
import { type EvaluationSummary, evaluateTargets } from './evaluate.js';
import { type PollObserver, type PollSummary, pollTargets } from './poll.js';

export interface CycleSummary {
  /** One per discovering (account, service); empty when no account has `discover:` or targets were picked. */
  readonly discovery: readonly DiscoverySummary[];
  readonly polls: readonly PollSummary[];
  readonly evaluation: EvaluationSummary;
  readonly delivery: DeliverySummary;
  readonly released: number;
}

/**
 * One full cycle, as `run-once` does it: give back a crashed predecessor's claims, poll every target,
 * evaluate at the cycle's instant, and deliver everything due (groupWait does not apply: the cycle is complete).
 */
export async function runCycle(
  deps: AppDeps,
  opts: { targetIds?: readonly string[]; observer?: PollObserver } = {},
): Promise<CycleSummary> {
  const released = releaseOrphans(deps.db, deps.clock());
  if (released > 0) deps.log.warn({ released }, 'notifications claimed by a process that died were put back in the outbox');
  // A whole cycle discovers first, so auto-targets and coverage are as current as the polls; a cycle
  // over picked targets leaves discovery to the next whole one.
  const whole = !opts.targetIds;
  // One limiter for the cycle: discovery and polls of an account share its rate, as in the daemon.
  const throttle = accountThrottle(deps.loaded.config.accounts, new LocalRateLimiter(deps.clock, deps.sleep));
  const discovery = whole && discoveringAccounts(deps).length > 0 ? await discoverAll({ ...deps, throttle }) : [];
  const d: AppDeps = discovery.length > 0 ? { ...deps, loaded: withAutoTargets(deps.loaded, deps.db, deps.clock()) } : deps;
  const targets = d.loaded.config.targets.filter((t) => !opts.targetIds || opts.targetIds.includes(t.id));
  const slot = iso(d.clock());
  d.log.debug({ slot, targets: targets.length }, 'cycle started');
  const polls = await pollTargets(d, targets, opts.observer, throttle);
  let evaluation = evaluateTargets(d, { targetIds: targets.map((t) => t.id) });
  if (discovery.length > 0) evaluation = merge(evaluation, evaluateCoverage(d, { now: evaluation.at }));
  const delivery = await deliverDue(d, { flush: true });
  return { discovery, polls, evaluation, delivery, released };
}

function merge(a: EvaluationSummary, b: EvaluationSummary): EvaluationSummary {
  const byState = { ...a.byState };
  for (const [k, v] of Object.entries(b.byState)) byState[k] = (byState[k] ?? 0) + v;
  return {
    at: a.at,
    findings: a.findings + b.findings,
    changes: a.changes + b.changes,
    notifications: a.notifications + b.notifications,
    silenced: a.silenced + b.silenced,
    byState,
  };
}
