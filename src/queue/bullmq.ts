import { Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AuditorError, errorMessage } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { type RedisFactory, redisFactory } from './redis-connection.js';
import type { EnqueueOptions, Handler, JobSpec, QueueBackend, QueueDepth, QueueName } from './types.js';

const HOUR_MS = 3_600_000;

/** How long finished jobs stay in Redis: as long as they stay, their ids are taken (dedupe window). */
export interface KeepJobs {
  readonly ageMs: number;
  readonly count?: number;
}

/** Where Redis is (a URL, or a factory for connections, e.g. to add TLS options) and how jobs are kept. */
export type BullQueueOptions = ({ readonly url: string } | { readonly connection: RedisFactory }) & {
  /** Prefix of every Redis key; queues with different prefixes never see each other. */
  readonly prefix?: string;
  readonly log?: Logger;
  /**
   * How long a worker's claim on a job lasts without renewal (renewed every half of it while the
   * handler runs), and how often workers look for claims that ran out. A dead worker's job is handed
   * to another after roughly lockDuration + up to two stalledIntervals. Shorter values recover faster
   * but a worker whose event loop is blocked longer than lockDuration (a long synchronous SQLite
   * transaction, a GC pause under memory pressure) loses its job to another worker while still
   * running it, and the job runs twice. Defaults: 30 s and 30 s.
   */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** How often one job may be recovered from a dead worker before it counts as failed (BullMQ default 1). */
  readonly maxStalledCount?: number;
  /** Default 24 h / 10 000 jobs, so `poll:<target>:<slot>` ids stay taken for a whole day. */
  readonly keepCompleted?: KeepJobs;
  /** Default 7 days: long enough to look at a failure after a weekend. */
  readonly keepFailed?: KeepJobs;
  /** Default 1 s: a health check must answer quickly even when Redis does not. */
  readonly pingTimeoutMs?: number;
};

/**
 * BullMQ's custom ids may not contain `:` (beyond BullMQ's own 3-part form) nor be plain integers,
 * while ours are `poll:<target>:<ISO slot>`. Percent-escaping keeps the mapping reversible, so
 * handlers see the id exactly as it was enqueued.
 */
function toBullJobId(id: string): string {
  const escaped = id.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
  if (`${Number.parseInt(escaped, 10)}` !== escaped) return escaped;
  return `%${escaped.charCodeAt(0).toString(16).toUpperCase()}${escaped.slice(1)}`;
}

function fromBullJobId(id: string | undefined): string {
  return id === undefined ? '' : decodeURIComponent(id);
}

function isEmptyHash(reply: unknown): boolean {
  if (reply === null || reply === undefined) return true;
  if (Array.isArray(reply)) return reply.length === 0;
  return typeof reply === 'object' && Object.keys(reply).length === 0;
}

/** Resolves with the promise, or with `fallback` after `ms`, whichever comes first. */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The scale-out queue: BullMQ on Redis, honouring the QueueBackend contract. One BullMQ `Queue` per
 * queue name used (all on one producer connection) and one `Worker` per consumed queue, each on its
 * own connection (BullMQ adds a blocking one). A job whose worker dies is recovered by BullMQ's
 * stalled-job check on any other worker; see `lockDurationMs` for the trade-off. Every connection
 * the factory returns belongs to this object and is closed by `close`.
 */
export class BullQueue implements QueueBackend {
  readonly kind = 'bullmq' as const;
  readonly #connect: RedisFactory;
  readonly #log: Logger;
  readonly #prefix: string;
  readonly #producer: Redis;
  readonly #connections: Redis[] = [];
  readonly #queues = new Map<QueueName, Queue>();
  readonly #workers = new Map<QueueName, Worker>();
  #closing: Promise<void> | undefined;
  /** Set once the workers are closed: until then a draining job may still enqueue its follow-up. */
  #closed = false;

  constructor(private readonly opts: BullQueueOptions) {
    this.#log = opts.log ?? silentLogger;
    this.#connect = 'url' in opts ? redisFactory(opts.url, this.#log) : opts.connection;
    this.#prefix = opts.prefix ?? 'backup-auditor';
    this.#producer = this.#open('producer');
  }

  async enqueue<P>(spec: JobSpec<P>, payload: P, opts: EnqueueOptions = {}): Promise<boolean> {
    if (this.#closed) throw new Error(`queue ${spec.name} is closed`);
    const queue = this.#queue(spec.name);
    const jobId = opts.jobId === undefined ? undefined : toBullJobId(opts.jobId);
    const job = new Job(queue, spec.name, payload, this.#jobOptions(spec.retry, jobId, opts.delayMs), jobId);
    // BullMQ answers an existing id with that id and adds nothing, without saying so. Reading the
    // job's hash in the same MULTI as the add tells, atomically, whether it was there before.
    const tx = (await queue.client).multi();
    if (jobId !== undefined) tx.hgetall(queue.toKey(jobId));
    job.addJob(tx).catch(() => undefined); // with a transaction the outcome arrives from exec()
    const replies = (await tx.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    const added = replies.at(-1)?.[1];
    if (typeof added === 'number' && added < 0) throw new Error(`BullMQ refused job ${opts.jobId ?? ''} on ${spec.name} (code ${added})`);
    return jobId === undefined || isEmptyHash(replies[0]?.[1]);
  }

  consume<P>(spec: JobSpec<P>, handler: Handler<P>, opts: { readonly concurrency: number }): void {
    if (this.#closing) throw new Error(`queue ${spec.name} is closed`);
    if (this.#workers.has(spec.name)) throw new Error(`queue ${spec.name} is already consumed by this process`);
    const worker = new Worker<unknown, void>(spec.name, (job) => this.#process(spec, handler, job), {
      connection: this.#open(`worker-${spec.name}`),
      prefix: this.#prefix,
      concurrency: Math.max(1, opts.concurrency),
      lockDuration: this.opts.lockDurationMs ?? 30_000,
      stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: this.opts.maxStalledCount ?? 1,
    });
    const log = this.#log.child({ queue: spec.name });
    worker.on('error', (err) => log.warn({ err: errorMessage(err) }, 'queue worker error'));
    worker.on('stalled', (id) => log.warn({ jobId: fromBullJobId(id) }, 'job lost its worker; handed back to the queue'));
    worker.on('failed', (job, err) => {
      const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      const fields = { jobId: fromBullJobId(job?.id), attempt: job?.attemptsMade, err: err.message };
      if (final) log.error(fields, 'job failed');
      else log.warn(fields, 'job failed, will retry');
    });
    this.#workers.set(spec.name, worker);
  }

  async depth(): Promise<Partial<Record<QueueName, QueueDepth>>> {
    const names = new Set<QueueName>([...this.#queues.keys(), ...this.#workers.keys()]);
    const out: Partial<Record<QueueName, QueueDepth>> = {};
    for (const name of names) {
      const c = await this.#queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed');
      out[name] = { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
    }
    return out;
  }

  async ping(): Promise<boolean> {
    if (this.#closing) return false;
    // While Redis is away the command waits in the offline queue; the timeout answers for it.
    const pong = this.#producer.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    return within(pong, this.opts.pingTimeoutMs ?? 1_000, false);
  }

  close(timeoutMs: number): Promise<void> {
    this.#closing ??= this.#shutdown(timeoutMs);
    return this.#closing;
  }

  /**
   * Pausing a worker stops it taking jobs and resolves once its running jobs are finished and
   * recorded. Workers that make it within the timeout close normally; the others are force-closed:
   * their lock renewal stops and a late result is not written, so each unfinished job is found
   * stalled by another worker and run again there.
   */
  async #shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const workers = [...this.#workers.values()];
    const drained = await Promise.all(
      workers.map((w) => {
        const paused = w.pause(false).then(() => true);
        // A force-closed worker's pause settles (or fails) whenever its handler ends; nobody waits then.
        paused.catch(() => undefined);
        return within(paused, deadline - Date.now(), false);
      }),
    );
    const abandoned = drained.filter((ok) => !ok).length;
    if (abandoned) this.#log.warn({ workers: abandoned }, 'jobs still running at shutdown; handing them back to the queue');
    await Promise.allSettled(workers.map((w, i) => w.close(!drained[i])));
    this.#closed = true;
    await Promise.allSettled([...this.#queues.values()].map((q) => q.close()));
    await Promise.allSettled(
      this.#connections.map(async (c) => {
        const quit = c.quit().then(
          () => true,
          () => false,
        );
        if (!(await within(quit, 1_000, false))) c.disconnect();
      }),
    );
  }

  async #process<P>(spec: JobSpec<P>, handler: Handler<P>, job: Job<unknown, void>): Promise<void> {
    const parsed = spec.payload.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new UnrecoverableError(`invalid ${spec.name} payload: ${where}${issue?.message ?? 'rejected'}`);
    }
    try {
      await handler(parsed.data, { jobId: fromBullJobId(job.id), attempt: job.attemptsMade + 1 });
    } catch (err) {
      if (err instanceof AuditorError && err.permanent) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  #jobOptions(retry: JobSpec<unknown>['retry'], jobId: string | undefined, delayMs: number | undefined): JobsOptions {
    const completed = this.opts.keepCompleted ?? { ageMs: 24 * HOUR_MS, count: 10_000 };
    const failed = this.opts.keepFailed ?? { ageMs: 7 * 24 * HOUR_MS };
    const keep = (k: KeepJobs) => ({ age: Math.ceil(k.ageMs / 1000), ...(k.count !== undefined && { count: k.count }) });
    return {
      ...(jobId !== undefined && { jobId }),
      attempts: Math.max(1, retry.attempts),
      backoff: { type: 'exponential', delay: retry.backoffMs },
      ...(delayMs !== undefined && delayMs > 0 && { delay: delayMs }),
      removeOnComplete: keep(completed),
      removeOnFail: keep(failed),
    };
  }

  #queue(name: QueueName): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#producer, prefix: this.#prefix });
      queue.on('error', (err) => this.#log.warn({ queue: name, err: errorMessage(err) }, 'queue error'));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  #open(role: string): Redis {
    const client = this.#connect(`${this.#prefix}-${role}`);
    this.#connections.push(client);
    return client;
  }
}
