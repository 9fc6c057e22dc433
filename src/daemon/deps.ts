import type { AppDeps } from '../engine/deps.js';
import type { FetchDeps } from '../engine/poll.js';
import type { SendDeps } from '../notify/dispatch.js';
import type { KeyedLock, QueueBackend, RateLimiter } from '../queue/types.js';
import type { DaemonMetrics } from './metrics.js';

/** What any worker needs (no database): poll and notify jobs run on these. */
export interface WorkerDeps extends FetchDeps, SendDeps {
  readonly http: AppDeps['http'];
  readonly queue: QueueBackend;
  readonly limiter: RateLimiter;
  readonly lock: KeyedLock;
  readonly metrics: DaemonMetrics;
}

/** What the database owner (`start`) needs on top: ingest, evaluate and settle jobs run on these. */
export interface OwnerDeps extends WorkerDeps, AppDeps {
  /** Asks the delivery loop to look at the outbox now rather than at its next tick. */
  wakeDelivery(): void;
  /** Asks for a target's evaluation soon (batched with the others asked for meanwhile). */
  requestEvaluation(targetId: string): void;
}
