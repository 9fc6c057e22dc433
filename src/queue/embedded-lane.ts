import type { Handler, JobSpec } from './types.js';

// The embedded queue's per-queue state: its backlog in due order and the ids of its finished jobs.

export interface Job {
  readonly id: string;
  readonly payload: unknown;
  attempt: number;
  runAt: number;
}

export interface Lane {
  spec: JobSpec<unknown>;
  handler?: Handler<unknown>;
  concurrency: number;
  waiting: Job[];
  active: number;
  failed: number;
  /** Ids of the lane's finished jobs (done or failed) with when they finished, oldest first. */
  finished: Map<string, number>;
}

/**
 * Keeps `waiting` ordered by runAt, first come first served among equals. Sorting on every pump cost
 * a scan of the whole backlog per finished job (a fleet's poll tick is thousands of jobs).
 */
export function insertByRunAt(waiting: Job[], job: Job): void {
  let lo = 0;
  let hi = waiting.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((waiting[mid] as Job).runAt <= job.runAt) lo = mid + 1;
    else hi = mid;
  }
  waiting.splice(lo, 0, job);
}

/** How long a queue's finished jobs keep their ids taken: at most `ageMs`, and its newest `count` only. */
export interface KeepFinished {
  readonly ageMs: number;
  readonly count: number;
}

/** What the BullMQ backend keeps of completed jobs by default. */
const KEEP_FINISHED: KeepFinished = { ageMs: 24 * 3_600_000, count: 10_000 };

/** Frees the ids of the lane's finished jobs beyond `keep` (oldest first: the map is in finishing order). */
export function forgetFinished(lane: Lane, now: number, keep: KeepFinished = KEEP_FINISHED): void {
  const cutoff = now - keep.ageMs;
  for (const [id, doneAt] of lane.finished) {
    if (doneAt >= cutoff && lane.finished.size <= keep.count) break;
    lane.finished.delete(id);
  }
}
