import type { Clock } from '../core/clock.js';
import { AuditorError, errorMessage } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { forgetFinished, insertByRunAt, type Job, type KeepFinished, type Lane } from './embedded-lane.js';
import type { EnqueueOptions, Handler, JobSpec, QueueBackend, QueueDepth, QueueName } from './types.js';

export type { KeepFinished } from './embedded-lane.js';

export interface EmbeddedQueueOptions {
  readonly log?: Logger;
  /** Default 24 h / 10 000 jobs per queue, what the BullMQ backend keeps of completed jobs. */
  readonly keepFinished?: KeepFinished;
  /**
   * A one-shot run's queue: a job that throws is not retried but handed here, so the run fails with
   * its error (exit 3) instead of waiting out backoffs; the daemon's queue leaves this unset.
   */
  readonly onFailure?: (err: unknown, job: { readonly queue: QueueName; readonly id: string; readonly payload: unknown }) => void;
}

/**
 * The in-process queue of the embedded mode: the same job definitions and processors as BullMQ, with
 * bounded concurrency per queue, deterministic-id deduplication, retries with exponential backoff and
 * no retry for permanent errors. Nothing survives the process: a job that was running when the process
 * died is simply redone by the next schedule tick (a poll writes all or nothing).
 */
export class EmbeddedQueue implements QueueBackend {
  readonly kind = 'embedded' as const;
  readonly #lanes = new Map<QueueName, Lane>();
  /**
   * Ids of jobs waiting or running; with the lanes' `finished`, what makes enqueue idempotent. Finished
   * ids are kept per queue and bounded by count as BullMQ keeps completed jobs, so what the queue
   * remembers follows its settings, not how many targets a tick enqueues.
   */
  readonly #pending = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  /** `close` was called: jobs waiting then never start, no job is retried. */
  #draining = false;
  /** Closed for good: nothing is accepted or started. */
  #closed = false;
  #seq = 0;
  #idleWaiters: (() => void)[] = [];
  #roomWaiters: { readonly queue: QueueName; readonly below: number; readonly wake: () => void }[] = [];

  constructor(
    private readonly opts: EmbeddedQueueOptions,
    private readonly now: Clock,
  ) {}

  async enqueue<P>(spec: JobSpec<P>, payload: P, opts: EnqueueOptions = {}): Promise<boolean> {
    if (this.#closed) throw new Error(`queue ${spec.name} is closed`);
    const lane = this.#lane(spec);
    const id = opts.jobId ?? `${spec.name}:auto:${++this.#seq}`;
    forgetFinished(lane, this.now(), this.opts.keepFinished);
    if (this.#pending.has(id) || lane.finished.has(id)) return false;
    this.#pending.add(id);
    insertByRunAt(lane.waiting, { id, payload, attempt: 1, runAt: this.now() + (opts.delayMs ?? 0) });
    this.#pump();
    return true;
  }

  consume<P>(spec: JobSpec<P>, handler: Handler<P>, opts: { readonly concurrency: number }): void {
    const lane = this.#lane(spec);
    lane.handler = handler as Handler<unknown>;
    lane.concurrency = Math.max(1, opts.concurrency);
    this.#pump();
  }

  async depth(): Promise<Partial<Record<QueueName, QueueDepth>>> {
    const now = this.now();
    const out: Partial<Record<QueueName, QueueDepth>> = {};
    for (const [name, l] of this.#lanes) {
      const delayed = l.waiting.filter((j) => j.runAt > now).length;
      out[name] = { waiting: l.waiting.length - delayed, active: l.active, delayed, failed: l.failed };
    }
    return out;
  }

  /** Resolves once no job of a consumed queue waits or runs (delayed ones included): what a one-shot run drains. */
  async idle(): Promise<void> {
    while (this.#busy()) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #busy(): boolean {
    if (this.#running.size > 0) return true;
    for (const lane of this.#lanes.values()) if (lane.handler && lane.waiting.length > 0) return true;
    return false;
  }

  /** Resolves once fewer than `below` jobs of `queue` wait, or the queue closes. See `QueueBackend.room`. */
  async room(queue: QueueName, below: number): Promise<void> {
    if (!this.#hasRoom(queue, below)) await new Promise<void>((wake) => this.#roomWaiters.push({ queue, below, wake }));
  }

  /** A queue nobody consumes here always has room: no job of it would ever leave to make some. */
  #hasRoom(queue: QueueName, below: number): boolean {
    const lane = this.#lanes.get(queue);
    return this.#draining || !lane?.handler || lane.waiting.length < below;
  }

  #wakeRoomWaiters(): void {
    if (this.#roomWaiters.length === 0) return;
    const still = this.#roomWaiters.filter((w) => !this.#hasRoom(w.queue, w.below));
    for (const w of this.#roomWaiters) if (!still.includes(w)) w.wake();
    this.#roomWaiters = still;
  }

  async ping(): Promise<boolean> {
    return !this.#draining;
  }

  /**
   * Jobs waiting at close are dropped (the next schedule redoes them). The running ones get up to
   * `timeoutMs`, and what they enqueue meanwhile still runs: a poll that finishes hands its result to
   * ingest, which commits it, rather than throwing the finished work away.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    for (const lane of this.#lanes.values()) lane.waiting = [];
    this.#wakeRoomWaiters();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    while (this.#running.size > 0) {
      if ((await Promise.race([Promise.allSettled([...this.#running]), deadline])) === 'timeout') break;
    }
    clearTimeout(timer);
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #lane(spec: JobSpec<unknown> | JobSpec<never>): Lane {
    let lane = this.#lanes.get(spec.name);
    if (!lane) {
      lane = { spec: spec as JobSpec<unknown>, concurrency: 1, waiting: [], active: 0, failed: 0, finished: new Map() };
      this.#lanes.set(spec.name, lane);
    }
    return lane;
  }

  #pump(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const lane of this.#lanes.values()) {
      if (!lane.handler) continue;
      while (lane.active < lane.concurrency && lane.waiting[0] && lane.waiting[0].runAt <= now)
        this.#start(lane, lane.waiting.shift() as Job);
      if (lane.waiting[0]) next = Math.min(next, lane.waiting[0].runAt);
    }
    this.#wakeRoomWaiters();
    if (next !== Number.POSITIVE_INFINITY) this.#timer = setTimeout(() => this.#pump(), Math.max(0, next - now));
  }

  #start(lane: Lane, job: Job): void {
    lane.active++;
    const run = this.#run(lane, job).finally(() => {
      lane.active--;
      this.#running.delete(run);
      this.#pump();
      for (const wake of this.#idleWaiters.splice(0)) wake();
    });
    this.#running.add(run);
  }

  async #run(lane: Lane, job: Job): Promise<void> {
    const log = this.opts.log ?? silentLogger;
    const parsed = lane.spec.payload.safeParse(job.payload);
    if (!parsed.success) {
      lane.failed++;
      this.#finish(lane, job.id);
      log.error({ queue: lane.spec.name, jobId: job.id, problem: parsed.error.issues[0]?.message }, 'job payload rejected');
      this.opts.onFailure?.(parsed.error, { queue: lane.spec.name, id: job.id, payload: job.payload });
      return;
    }
    try {
      await (lane.handler as Handler<unknown>)(parsed.data, { jobId: job.id, attempt: job.attempt });
      this.#finish(lane, job.id);
    } catch (err) {
      const permanent = err instanceof AuditorError && err.permanent;
      if (this.opts.onFailure) {
        lane.failed++;
        this.#finish(lane, job.id);
        this.opts.onFailure(err, { queue: lane.spec.name, id: job.id, payload: job.payload });
        return;
      }
      if (permanent || job.attempt >= lane.spec.retry.attempts || this.#draining) {
        lane.failed++;
        this.#finish(lane, job.id);
        log.error({ queue: lane.spec.name, jobId: job.id, attempt: job.attempt, permanent, err: errorMessage(err) }, 'job failed');
        return;
      }
      const backoff = lane.spec.retry.backoffMs * 2 ** (job.attempt - 1);
      log.warn(
        { queue: lane.spec.name, jobId: job.id, attempt: job.attempt, retryInMs: backoff, err: errorMessage(err) },
        'job failed, will retry',
      );
      insertByRunAt(lane.waiting, { ...job, attempt: job.attempt + 1, runAt: this.now() + backoff });
    }
  }

  #finish(lane: Lane, id: string): void {
    this.#pending.delete(id);
    lane.finished.set(id, this.now());
    forgetFinished(lane, this.now(), this.opts.keepFinished);
  }
}
