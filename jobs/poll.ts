import { z } from 'zod';
import { target as targetSchema } from '../src/config/schema.js';
import { targetById } from '../src/config/target-index.js';
import { AuditorError } from '../src/core/errors.js';
import { type FetchDeps, fetchPoll } from '../src/engine/poll.js';
import { ratePerSecond } from '../src/providers/rate-limits.js';
import type { PipelineDeps, SharedLimits } from './deps.js';
import { ingestJob } from './ingest.js';
import { defineJob } from './types.js';

/** How long a target's poll lock lives if its worker dies without releasing it. */
const POLL_LOCK_MS = 15 * 60_000;

/**
 * Polls one target (on any worker: no database here) and hands the whole result to the owner through
 * `ingest`. `slot` (the schedule tick, ISO) makes the job ids `poll:<target>:<slot>` deterministic. A
 * target whose previous poll still runs is skipped for this slot rather than polled twice at once.
 */
export const pollJob = defineJob({
  name: 'poll',
  // `target` carries a target `discover:` generated: remote workers' configs do not list those. A poll
  // without a `slot` (a one-shot run's) is never taken for a redelivery of another.
  payload: z.strictObject({ targetId: z.string().min(1), slot: z.string().min(1).optional(), target: targetSchema.optional() }),
  // The adapter retries each request; a job-level retry covers a worker that died mid-poll.
  retry: { attempts: 2, backoffMs: 10_000 },
  async process(deps: FetchDeps & PipelineDeps & SharedLimits, { targetId, slot, target: generated }, meta) {
    const target = generated ?? targetById(deps.loaded.config, targetId);
    if (!target) throw new AuditorError('config', `poll: target "${targetId}" is not in this worker's config`, { permanent: true });
    // Held as this job: if its worker dies, the job's retry on another worker takes the lock over.
    const release = await deps.lock.tryAcquire(`poll:${targetId}`, POLL_LOCK_MS, meta.jobId);
    if (!release) {
      // Reported here, on whichever process skipped: a skipped slot never reaches ingest.
      deps.events.pollSkipped(targetId, slot);
      deps.log.warn({ target: targetId, slot }, 'previous poll of this target still running; slot skipped');
      return;
    }
    try {
      deps.log.info({ target: targetId, slot, attempt: meta.attempt }, 'polling');
      deps.events.pollStarted(target);
      const account = deps.loaded.config.accounts[target.account];
      const rate = account ? ratePerSecond(account) : 1;
      const throttle = () => deps.limiter.acquire(`account:${target.account}`, rate);
      const record = await fetchPoll(deps, target, { ...(slot !== undefined && { slot }), throttle });
      await deps.queue.enqueue(ingestJob, { record }, { jobId: `ingest:${slot === undefined ? meta.jobId : `${targetId}:${slot}`}` });
    } finally {
      await release();
    }
  },
});
