import type { KeyedLock, QueueBackend, RateLimiter } from '../queue/types.js';

/** What the daemon's jobs run on: a queue, and the account limiter and target lock its workers share. */
export interface Backend {
  readonly queue: QueueBackend;
  readonly limiter: RateLimiter;
  readonly lock: KeyedLock;
  /** Closes what `queue.close` does not (the limiter's and lock's Redis connection). */
  close(): Promise<void>;
}

export interface BackendOptions {
  /** BullMQ key prefix; lets several deployments share one Redis. */
  readonly prefix?: string;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}
