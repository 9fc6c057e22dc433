import { errorMessage } from '../src/core/errors.js';
import { StoreWriteError, storeWriteProblem } from '../src/db/store-errors.js';
import { withAutoTargets } from '../src/discovery/auto-targets.js';
import type { DiscoverySummary } from '../src/discovery/discover.js';
import type { PollRecord } from '../src/domain/poll.js';
import type { EvaluationSummary } from '../src/engine/evaluate.js';
import type { PollSummary } from '../src/engine/poll.js';
import { unrecordedPolls } from '../src/notify/emergency.js';
import { EmbeddedQueue } from '../src/queue/embedded.js';
import { LocalLock, LocalRateLimiter } from '../src/queue/local.js';
import type { AppDeps, OwnerDeps, PipelineEvents } from './deps.js';
import { discoverJob } from './discover.js';
import { evaluateJob } from './evaluate.js';
import { ingestJob } from './ingest.js';
import { notifyJob } from './notify.js';
import { pollJob } from './poll.js';
import { reportJob } from './report.js';
import { settleJob } from './settle.js';
import { consume } from './types.js';

/** What delivery came to: digests sent out, and their items by verdict. */
export interface DeliverySummary {
  readonly messages: number;
  readonly sent: number;
  readonly retry: number;
  readonly failed: number;
}

/** A one-shot run of the pipeline: its queue, the deps its processors share, and what they reported. */
export interface OneShot {
  readonly owner: OwnerDeps;
  readonly queue: EmbeddedQueue;
  /** Runs `enqueue`, then every job it led to; throws the first job failure. */
  step(enqueue: () => Promise<unknown>): Promise<void>;
  readonly polls: readonly PollSummary[];
  readonly discovery: readonly DiscoverySummary[];
  readonly delivery: DeliverySummary;
  /** Every evaluation of the run added up, stamped `at`. */
  evaluation(at: number): EvaluationSummary;
  close(): Promise<void>;
}

/**
 * The daemon's processors on an in-process queue of their own, for commands that run the pipeline once
 * (`run-once`, `demo`, `--dry-run`): every job is consumed here, nothing is retried (a failure ends the
 * run with its error), and the driver enqueues each stage and drains it before the next.
 */
export function startOneShot(base: AppDeps, observer: Partial<PipelineEvents> = {}): OneShot {
  const failures: { err: unknown; queue: string; payload: unknown }[] = [];
  const queue = new EmbeddedQueue({ log: base.log, onFailure: (err, job) => failures.push({ err, ...job }) }, base.clock);
  const polls: PollSummary[] = [];
  const discovery: DiscoverySummary[] = [];
  const delivery = { messages: 0, sent: 0, retry: 0, failed: 0 };
  const evaluation = { findings: 0, changes: 0, notifications: 0, silenced: 0, byState: {} as Record<string, number> };
  const events: PipelineEvents = {
    pollStarted: (t) => observer.pollStarted?.(t),
    polled: (s) => {
      polls.push(s);
      observer.polled?.(s);
    },
    pollSkipped: (id, slot) => observer.pollSkipped?.(id, slot),
    evaluated: (s) => {
      evaluation.findings += s.findings;
      evaluation.changes += s.changes;
      evaluation.notifications += s.notifications;
      evaluation.silenced += s.silenced;
      for (const [state, n] of Object.entries(s.byState)) evaluation.byState[state] = (evaluation.byState[state] ?? 0) + n;
    },
    discovered: (s) => discovery.push(...s),
    settled: (_channel, verdict, items) => {
      delivery.messages++;
      delivery[verdict] += items;
    },
  };
  let loaded = base.loaded;
  const owner: OwnerDeps = {
    ...base,
    get loaded() {
      return loaded;
    },
    queue,
    events,
    limiter: new LocalRateLimiter(base.clock, base.sleep),
    lock: new LocalLock(base.clock),
    // The driver evaluates and delivers as stages of its own.
    wakeDelivery: () => {},
    requestEvaluation: () => {},
    refreshTargets: () => {
      loaded = withAutoTargets(base.loaded, base.db, base.clock());
    },
  };
  consume(queue, discoverJob, owner, 1);
  consume(queue, ingestJob, owner, 1);
  consume(queue, evaluateJob, owner, 1);
  consume(queue, settleJob, owner, 1);
  consume(queue, reportJob, owner, 1);
  consume(queue, pollJob, owner, base.pollConcurrency);
  // One channel after the other, as the outbox orders them: a cycle sends a handful of digests.
  consume(queue, notifyJob, owner, 1);
  return {
    owner,
    queue,
    async step(enqueue) {
      await enqueue();
      await queue.idle();
      const first = failures[0];
      if (!first) return;
      const problem = storeWriteProblem(first.err);
      if (problem === undefined) throw first.err;
      // What this run saw and could not keep: every poll whose ingest the database refused.
      const records = failures.flatMap((f) => (f.queue === 'ingest' ? [(f.payload as { record: PollRecord }).record] : []));
      throw new StoreWriteError(problem, errorMessage(first.err), unrecordedPolls(records));
    },
    polls,
    discovery,
    delivery,
    evaluation: (at) => ({ at, ...evaluation, byState: { ...evaluation.byState } }),
    close: () => queue.close(0),
  };
}
