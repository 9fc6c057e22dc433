import type { z } from 'zod';

/** Every queue the product uses. `poll` and `notify` may run on remote workers; the rest run on the database owner. */
export const QUEUE_NAMES = ['discover', 'poll', 'ingest', 'evaluate', 'notify', 'settle', 'report', 'db-backup', 'prune'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** What a backend needs to know about a job: its queue, payload schema and retry policy (defined in jobs/). */
export interface JobSpec<P> {
  readonly name: QueueName;
  readonly payload: z.ZodType<P>;
  /** Total attempts (1 = no retry) and the first backoff; later ones double. */
  readonly retry: { readonly attempts: number; readonly backoffMs: number };
}

export interface JobMeta {
  readonly jobId: string;
  /** 1 on the first try. */
  readonly attempt: number;
}

export type Handler<P> = (payload: P, meta: JobMeta) => Promise<void>;

export interface EnqueueOptions {
  /** Deterministic id (`poll:<target>:<slot>`): a second enqueue with the same id adds nothing. */
  readonly jobId?: string;
  readonly delayMs?: number;
}

export interface QueueDepth {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

/**
 * A job queue: the embedded in-process one or BullMQ on Redis. Contract, for every backend:
 * - `enqueue` with a `jobId` that is waiting, active, delayed or finished recently adds nothing and
 *   resolves false, so two schedulers enqueueing the same slot create one job;
 * - a consumed payload is parsed with the spec's zod schema first; one that does not parse fails at
 *   once without retries (it can never succeed);
 * - a handler error with `permanent: true` is not retried; others are retried up to `retry.attempts`
 *   with exponential backoff; a job whose worker dies is handed to another worker (stalled recovery);
 * - `close` stops taking new jobs and waits up to `timeoutMs` for the running ones; what is still
 *   running then is handed back to the queue, not lost. Until then the running jobs may still
 *   enqueue their follow-ups (a poll's ingest, a send's settle), so work that finishes is kept.
 */
export interface QueueBackend {
  readonly kind: 'embedded' | 'bullmq';
  enqueue<P>(spec: JobSpec<P>, payload: P, opts?: EnqueueOptions): Promise<boolean>;
  consume<P>(spec: JobSpec<P>, handler: Handler<P>, opts: { readonly concurrency: number }): void;
  depth(): Promise<Partial<Record<QueueName, QueueDepth>>>;
  /**
   * Resolves once fewer than `below` jobs of `queue` wait in this process (or the backend closes), so a
   * tick of a large fleet is enqueued a batch at a time instead of held in memory all at once. Absent
   * where waiting jobs are kept outside the process (BullMQ keeps them in Redis).
   */
  room?(queue: QueueName, below: number): Promise<void>;
  /** Whether the backend answers (always true for the embedded one). */
  ping(): Promise<boolean>;
  close(timeoutMs: number): Promise<void>;
}

/**
 * Limits requests per key (a provider account) to `perSecond`, across every process that shares the
 * limiter's store. `acquire` resolves when the caller may send one request.
 */
export interface RateLimiter {
  acquire(key: string, perSecond: number): Promise<void>;
}

/**
 * Mutual exclusion per key (a target being polled), across every process that shares the lock's
 * store. `tryAcquire` resolves to a release function, or null when someone else holds the key. The
 * lock expires after `ttlMs` in case its holder dies; a `holder` that already holds the key (the same
 * job, retried after its worker died) gets it again instead of waiting for that expiry.
 */
export interface KeyedLock {
  tryAcquire(key: string, ttlMs: number, holder?: string): Promise<(() => Promise<void>) | null>;
}
