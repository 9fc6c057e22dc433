import type { LoadedConfig } from '../src/config/load.js';
import { interleaveByAccount } from '../src/config/target-index.js';
import { iso } from '../src/core/clock.js';
import type { Db } from '../src/db/client.js';
import { StoreWriteError } from '../src/db/store-errors.js';
import { type DiscoverySummary, discoveringAccounts } from '../src/discovery/discover.js';
import type { EvaluationSummary } from '../src/engine/evaluate.js';
import type { PollSummary } from '../src/engine/poll.js';
import { type HeartbeatDeps, pingHeartbeat } from '../src/notify/heartbeat.js';
import { claimOwner } from '../src/notify/outbox.js';
import { type AppDeps, createDeps, type PipelineEvents } from './deps.js';
import { discoverJob } from './discover.js';
import { evaluateJob } from './evaluate.js';
import { offerDueDigests } from './offer.js';
import { type DeliverySummary, startOneShot } from './one-shot.js';
import { pollJob } from './poll.js';

export interface CycleSummary {
  /** One per discovering (account, service); empty when no account has `discover:` or targets were picked. */
  readonly discovery: readonly DiscoverySummary[];
  /** In the order of the config's targets. */
  readonly polls: readonly PollSummary[];
  /** Every evaluation of the cycle (the targets', and coverage's after discovery), added up. */
  readonly evaluation: EvaluationSummary;
  readonly delivery: DeliverySummary;
}

/** Sees each poll start and finish (the CLI's progress line); must not throw. */
export type PollObserver = Partial<Pick<PipelineEvents, 'pollStarted' | 'polled'>>;

/**
 * One full cycle on the daemon's own job processors, as `run-once` and `demo` do it: discover (a whole
 * cycle of an account with `discover:`, so auto-targets and coverage are as current as the polls), poll
 * every target, evaluate at the cycle's instant, and deliver everything due (groupWait does not apply:
 * the cycle is complete). A cycle over picked targets leaves discovery to the next whole one.
 */
export async function runCycle(
  deps: AppDeps,
  opts: { targetIds?: readonly string[]; observer?: PollObserver; heartbeat?: boolean } = {},
): Promise<CycleSummary> {
  const run = startOneShot(deps, opts.observer);
  const heartbeat = opts.heartbeat !== false;
  try {
    if (heartbeat) await pingHeartbeat(deps, 'start');
    if (!opts.targetIds && discoveringAccounts(deps).length > 0) await run.step(() => run.queue.enqueue(discoverJob, {}));
    const wanted = opts.targetIds && new Set(opts.targetIds);
    const targets = run.owner.loaded.config.targets.filter((t) => !wanted || wanted.has(t.id));
    deps.log.debug({ at: iso(deps.clock()), targets: targets.length }, 'cycle started');
    // No slot: a one-shot poll belongs to no schedule tick, and two runs within a second are two polls.
    await run.step(async () => {
      for (const t of interleaveByAccount(targets)) await run.queue.enqueue(pollJob, { targetId: t.id }, { jobId: `poll:${t.id}` });
    });
    const at = deps.clock();
    await run.step(() => run.queue.enqueue(evaluateJob, { targetIds: targets.map((t) => t.id) }));
    await run.step(() => offerDueDigests(run.owner, { groupWaitMs: 0, owner: claimOwner() }));
    const position = new Map(targets.map((t, i) => [t.id, i]));
    const polls = [...run.polls].sort((a, b) => (position.get(a.targetId) ?? 0) - (position.get(b.targetId) ?? 0));
    if (heartbeat) await pingCycleEnd(deps, polls);
    return { discovery: run.discovery, polls, evaluation: run.evaluation(at), delivery: run.delivery };
  } catch (err) {
    if (heartbeat && err instanceof StoreWriteError) await pingHeartbeat(deps, 'fail', `${err.message}; nothing of this run was recorded`);
    throw err;
  } finally {
    await run.close();
  }
}

/** What delivering needs beyond the defaults: the database and the config's channels. */
export type DeliverDeps = { readonly db: Db; readonly loaded: LoadedConfig } & Partial<AppDeps>;

/** The end-of-cycle ping: healthy when every poll saw its target, `/fail` naming the blind ones otherwise. */
export function pingCycleEnd(deps: HeartbeatDeps, polls: readonly Pick<PollSummary, 'targetId' | 'ok' | 'error'>[]): Promise<boolean> {
  const failed = polls.filter((p) => !p.ok);
  if (failed.length === 0) return pingHeartbeat(deps, 'success');
  const lines = failed.slice(0, 20).map((p) => `${p.targetId}: ${p.error ?? 'failed'}`);
  return pingHeartbeat(
    deps,
    'fail',
    [`${failed.length} of ${polls.length} polls failed: the auditor is blind to them`, ...lines].join('\n'),
  );
}

/**
 * Sends what is due through the notify and settle processors, one digest per channel. `flush` ignores
 * `groupWait` (the cycle is complete, nothing more will join the group). A channel's failure is
 * recorded on its rows and never stops the other channels.
 */
export async function deliverDue(deps: DeliverDeps, opts: { flush?: boolean } = {}): Promise<DeliverySummary> {
  const run = startOneShot(createDeps(deps));
  try {
    const groupWaitMs = opts.flush ? 0 : deps.loaded.config.alerting.groupWait;
    await run.step(() => offerDueDigests(run.owner, { groupWaitMs, owner: claimOwner() }));
    return run.delivery;
  } finally {
    await run.close();
  }
}
