import { z } from 'zod';
import type { JobMeta, JobSpec, QueueBackend } from '../src/queue/types.js';

/**
 * A queue's job: name, zod payload and retry options side by side, and a thin processor that only
 * calls the plain functions that do the work (tests call those without a queue). The same definition
 * runs in-process (embedded mode, one-shot commands) and on BullMQ workers (scale-out). `D` is what
 * the processor needs, and no more.
 */
export interface JobDefinition<P, D> extends JobSpec<P> {
  process(deps: D, payload: P, meta: JobMeta): Promise<void>;
}

/**
 * A job whose payload is checked by the parser zod compiles from its schema (`z.compile`), which falls
 * back to the general parser for what it refuses, so a rejected payload reads the same: every poll's
 * whole listing is checked again as it crosses the ingest queue.
 */
export function defineJob<P, D>(job: JobDefinition<P, D>): JobDefinition<P, D> {
  return { ...job, payload: z.compile(job.payload) };
}

/** Runs `job`'s processor on `deps` for every job of its queue, `concurrency` at a time. */
export function consume<P, D>(queue: QueueBackend, job: JobDefinition<P, D>, deps: D, concurrency: number): void {
  queue.consume(job, (payload, meta) => job.process(deps, payload, meta), { concurrency });
}
