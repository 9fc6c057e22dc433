import type { z } from 'zod';
import type { AppDeps } from '../src/engine/deps.js';

/**
 * A queue's job: name, zod payload and retry options side by side, and a thin processor that only
 * parses its payload and calls the plain function that does the work (tests call those without Redis).
 * The same definition runs in-process (embedded mode) and on BullMQ workers (scale-out).
 */
export interface JobDefinition<P, R> {
  readonly name: string;
  readonly payload: z.ZodType<P>;
  readonly retry: { readonly attempts: number; readonly backoffMs: number };
  process(deps: AppDeps, payload: P): Promise<R>;
}

export function defineJob<P, R>(job: JobDefinition<P, R>): JobDefinition<P, R> {
  return job;
}
