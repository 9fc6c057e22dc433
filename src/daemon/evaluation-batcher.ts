import { evaluateJob } from '../../jobs/evaluate.js';
import { iso } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { QueueBackend } from '../queue/types.js';

export interface EvaluationBatcher {
  /** Asks for the target's evaluation soon; targets asked for within `delayMs` share one job. */
  request(targetId: string): void;
  stop(): Promise<void>;
}

/**
 * Coalesces the evaluations that ingested polls ask for: a fleet's polls of one tick arrive within
 * moments of each other, and one evaluate job over all of them costs a fraction of one job (and one
 * transaction) per target. Losing a batch to a crash only delays a verdict: the periodic sweep
 * evaluates every target anyway.
 */
export function evaluationBatcher(deps: { queue: QueueBackend; log: Logger; clock: () => number }, delayMs = 100): EvaluationBatcher {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let seq = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const flush = () => {
    timer = undefined;
    const ids = [...pending];
    pending = new Set();
    if (ids.length === 0) return;
    const jobId = `evaluate:batch:${iso(deps.clock())}:${process.pid}:${++seq}`;
    inFlight = deps.queue.enqueue(evaluateJob, { targetIds: ids }, { jobId }).catch((err: unknown) => {
      deps.log.error({ targets: ids.length, err: errorMessage(err) }, 'could not enqueue evaluation; the next sweep covers it');
    });
  };
  return {
    request(targetId) {
      // A poll that finished during shutdown: the sweep at the next start evaluates it.
      if (stopped) return;
      pending.add(targetId);
      timer ??= setTimeout(flush, delayMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      flush();
      await inFlight;
    },
  };
}
