import { evaluateJob } from '../../jobs/evaluate.js';
import { ingestJob } from '../../jobs/ingest.js';
import { notifyJob } from '../../jobs/notify.js';
import { pollJob } from '../../jobs/poll.js';
import { reportJob } from '../../jobs/report.js';
import { settleJob } from '../../jobs/settle.js';
import type { JobDefinition } from '../../jobs/types.js';
import type { LoadedConfig } from '../config/load.js';
import { type Clock, iso, systemClock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { startCheckpointer } from '../db/checkpointer.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { createDeps, createWorkerDeps } from '../engine/deps.js';
import type { QueueBackend, QueueName } from '../queue/types.js';
import { type BackendOptions, createBackend } from './backend.js';
import { type DeliveryLoop, startDeliveryLoop } from './delivery-loop.js';
import type { OwnerDeps, WorkerDeps } from './deps.js';
import { startDiscoveryLoop } from './discovery-loop.js';
import { evaluationBatcher } from './evaluation-batcher.js';
import { startHttp } from './http.js';
import { createMetrics } from './metrics.js';
import { type Scheduler, startScheduler } from './scheduler.js';

export interface RuntimeOptions extends BackendOptions {
  readonly loaded: LoadedConfig;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** Parallel polls (per process; 0 = this process polls nothing) and parallel sends. */
  readonly pollConcurrency?: number;
  readonly notifyConcurrency?: number;
  readonly deliveryIntervalMs?: number;
  /** Every target is evaluated at least this often, polled or not (default 5 min). */
  readonly evaluateEveryMs?: number;
}

export interface Running {
  /** Stops taking work, waits up to `timeoutMs` for what runs, closes queue, Redis, HTTP and SQLite. */
  stop(timeoutMs: number): Promise<void>;
}

export interface Daemon extends Running {
  readonly deps: OwnerDeps;
  readonly scheduler: Scheduler;
  readonly httpUrl: string | undefined;
}

function consume<P, D>(queue: QueueBackend, job: JobDefinition<P, D>, deps: D, concurrency: number): void {
  queue.consume(job, (payload, meta) => job.process(deps, payload, meta), { concurrency });
}

/**
 * `start`: the database owner. It schedules, consumes every queue (so one process is a whole
 * deployment; `worker` processes add poll and notify capacity), runs the outbox delivery loop and
 * serves /healthz and /metrics.
 */
export async function startDaemon(opts: RuntimeOptions): Promise<Daemon> {
  const { loaded, log } = opts;
  const db = openDatabase(loaded.databasePath);
  const backend = createBackend(loaded, log, opts);
  const checkpointer = await startCheckpointer(db, loaded.databasePath, { log });
  const metrics = createMetrics();
  let loop: DeliveryLoop | undefined;
  const clock = opts.clock ?? systemClock;
  const batcher = evaluationBatcher({ queue: backend.queue, log, clock });
  const deps: OwnerDeps = {
    ...createDeps({ db, loaded, log, clock, ...(opts.fetch && { fetch: opts.fetch }) }),
    queue: backend.queue,
    limiter: backend.limiter,
    lock: backend.lock,
    metrics,
    wakeDelivery: () => loop?.wake(),
    requestEvaluation: (targetId) => batcher.request(targetId),
  };
  // One writer: SQLite work is serial anyway, and ordering keeps a target's ingest before its evaluation.
  consume(backend.queue, ingestJob, deps, 1);
  consume(backend.queue, evaluateJob, deps, 1);
  consume(backend.queue, settleJob, deps, 1);
  consume(backend.queue, reportJob, deps, 1);
  // 0 leaves polling to `worker` processes.
  const pollConcurrency = opts.pollConcurrency ?? loaded.config.queue.pollConcurrency;
  if (pollConcurrency > 0) consume(backend.queue, pollJob, deps, pollConcurrency);
  consume(backend.queue, notifyJob, deps, opts.notifyConcurrency ?? 2);
  loop = startDeliveryLoop(deps, opts.deliveryIntervalMs);
  // Time-based rules change verdicts without any new poll (a backup grows stale, polling stops
  // altogether): every target is evaluated on this timer too, not only after its polls.
  const sweepMs = opts.evaluateEveryMs ?? 5 * 60_000;
  const enqueueSweep = () =>
    backend.queue
      .enqueue(evaluateJob, {}, { jobId: `evaluate:sweep:${iso(Math.floor(clock() / sweepMs) * sweepMs)}` })
      .catch((err: unknown) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not enqueue the periodic evaluation');
      });
  const sweep = setInterval(enqueueSweep, sweepMs);
  sweep.unref();
  void enqueueSweep(); // right away too: a restart must not hide a finding for a whole interval
  // Targets `discover:` generated come and go with each discovery; every processor reads deps.loaded.
  const setLoaded = (next: LoadedConfig): void => {
    (deps as { loaded: LoadedConfig }).loaded = next;
  };
  setLoaded(withAutoTargets(loaded, db, clock()));
  const discovery = startDiscoveryLoop(deps, loaded, setLoaded);
  void discovery.run(); // right away too: coverage and auto-targets must not wait for the first tick
  const scheduler = startScheduler({ loaded, queue: backend.queue, log, targets: () => deps.loaded.config.targets });
  let http: Awaited<ReturnType<typeof startHttp>> | undefined;
  try {
    http = loaded.config.http ? await startHttp({ db, queue: backend.queue, metrics, log }, loaded.config.http.listen) : undefined;
  } catch (err) {
    // Nothing may keep the process alive once `start` has failed: undo everything started above.
    clearInterval(sweep);
    loop.stop();
    const undo = async () => {
      await scheduler.stop();
      await discovery.stop();
      await batcher.stop();
      await backend.queue.close(2_000);
      await backend.close();
      await checkpointer.stop();
      closeDatabase(db);
    };
    await undo().catch((e: unknown) =>
      log.warn({ err: e instanceof Error ? e.message : String(e) }, 'cleanup after a failed start was incomplete'),
    );
    throw err;
  }
  log.info({ mode: backend.queue.kind, database: loaded.databasePath, at: iso(deps.clock()) }, 'daemon started');
  return {
    deps,
    scheduler,
    httpUrl: http?.url,
    async stop(timeoutMs) {
      await scheduler.stop();
      await discovery.stop();
      clearInterval(sweep);
      await batcher.stop();
      loop?.stop();
      await backend.queue.close(timeoutMs);
      await http?.close();
      await backend.close();
      await checkpointer.stop();
      closeDatabase(db);
      log.info('daemon stopped');
    },
  };
}

/** The queues a `worker` may serve: those that need no database. */
export const WORKER_QUEUES: readonly QueueName[] = ['poll', 'notify'];

/** `worker`: consumes poll and/or notify jobs from Redis; never opens the database. */
export async function startWorker(opts: RuntimeOptions & { queues: readonly QueueName[]; concurrency: number }): Promise<Running> {
  const { loaded, log } = opts;
  if (!loaded.config.redis) throw new Error('worker needs `redis:` in the config: without it the daemon runs every job in its own process');
  const backend = createBackend(loaded, log, opts);
  const base = createWorkerDeps({ loaded, log, clock: opts.clock ?? systemClock, ...(opts.fetch && { fetch: opts.fetch }) });
  const deps: WorkerDeps = { ...base, queue: backend.queue, limiter: backend.limiter, lock: backend.lock, metrics: createMetrics() };
  if (opts.queues.includes('poll')) consume(backend.queue, pollJob, deps, opts.concurrency);
  if (opts.queues.includes('notify')) consume(backend.queue, notifyJob, deps, opts.concurrency);
  log.info({ queues: opts.queues, concurrency: opts.concurrency }, 'worker started');
  return {
    async stop(timeoutMs) {
      await backend.queue.close(timeoutMs);
      await backend.close();
      log.info('worker stopped');
    },
  };
}
