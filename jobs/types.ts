import type { JobMeta, JobSpec } from '../src/queue/types.js';

/**
 * A queue's job: name, zod payload and retry options side by side, and a thin processor that only
 * calls the plain functions that do the work (tests call those without Redis). The same definition
 * runs in-process (embedded mode) and on BullMQ workers (scale-out).
 */
export interface JobDefinition<P, D> extends JobSpec<P> {
  process(deps: D, payload: P, meta: JobMeta): Promise<void>;
}

export function defineJob<P, D>(job: JobDefinition<P, D>): JobDefinition<P, D> {
  return job;
}
