import { hostname } from 'node:os';
import { createDeps, createWorkerServices, type OwnerDeps, type WorkerDeps } from '../../jobs/deps.js';
import { notifyJob } from '../../jobs/notify.js';
import { offerDueDigests } from '../../jobs/offer.js';
import { pollJob } from '../../jobs/poll.js';
import { consume } from '../../jobs/types.js';
import type { LoadedConfig } from '../config/load.js';
import { configSnapshotHash } from '../config/snapshot.js';
import { type Clock, iso, systemClock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { startCheckpointer } from '../db/checkpointer.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { chainConfig } from '../db/evidence.js';
import { recordHolder, releaseHolder } from '../db/holder.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { claimOwner } from '../notify/outbox.js';
import type { QueueName } from '../queue/types.js';
import { type BackendOptions, createBackend } from './backend.js';
import { cycleWatch } from './cycles.js';
import { evaluationBatcher } from './evaluation-batcher.js';
import { startHttp } from './http.js';
import { createMetrics, metricsEvents } from './metrics.js';
import { consumeOwnerJobs } from './owner-jobs.js';
import { type PollTicks, pollTicks, slotOf } from './poll-ticks.js';
import { daemonSchedules, longestPollGapMs, startSchedules } from './schedules.js';
import { serialized } from './serialized.js';
import { storeGuard } from './store-guard.js';

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
  /** How often a small write tells whether the database can be written (default 10 s). */
  readonly probeEveryMs?: number;
}

export interface Running {
  /** Stops taking work, waits up to `timeoutMs` for what runs, closes queue, Redis, HTTP and SQLite. */
  stop(timeoutMs: number): Promise<void>;
}

export interface Daemon extends Running {
  readonly deps: OwnerDeps;
  /** The poll ticks: what was ticked, and a tick of chosen targets. */
  readonly scheduler: PollTicks;
  /** Polls every target now, as one cycle (`start --poll-now`). */
  pollNow(): Promise<number>;
  readonly httpUrl: string | undefined;
}

/**
 * `start`: the database owner. It runs the schedules, consumes every queue (so one process is a whole
 * deployment; `worker` processes add poll and notify capacity), offers due digests and serves /healthz
 * and /metrics.
 */
export async function startDaemon(opts: RuntimeOptions): Promise<Daemon> {
  const { log } = opts;
  const clock = opts.clock ?? systemClock;
  const db = openDatabase(opts.loaded.databasePath);
  // `db restore` refuses to replace the file under a running daemon: it reads who holds it here.
  recordHolder(db, { host: hostname(), pid: process.pid, startedAt: clock() });
  chainConfig(db, configSnapshotHash(opts.loaded), clock());
  const backend = await createBackend(opts.loaded, log, opts);
  const checkpointer = await startCheckpointer(db, opts.loaded.databasePath, { log });
  const metrics = createMetrics();
  const batcher = evaluationBatcher({ queue: backend.queue, log, clock });
  const offer = serialized(
    'delivery offer',
    () => offerDueDigests(deps, { groupWaitMs: deps.loaded.config.alerting.groupWait, owner: claimOwner() }),
    log,
  );
  // Targets `discover:` generated come and go with each discovery; every processor reads `deps.loaded`.
  let loaded = withAutoTargets(opts.loaded, db, clock());
  const services = createDeps({ db, loaded: opts.loaded, log, clock, ...(opts.fetch && { fetch: opts.fetch }) });
  const cycles = cycleWatch({ loaded: opts.loaded, fetch: services.fetch, log, clock });
  const startedAt = clock();
  const deps: OwnerDeps = {
    ...services,
    get loaded() {
      return loaded;
    },
    queue: backend.queue,
    limiter: backend.limiter,
    lock: backend.lock,
    events: cycles.events(metricsEvents(metrics)),
    wakeDelivery: () => {
      offer.now();
      // After groupWait the rows just written become due: look then, not only at the next tick.
      offer.after(loaded.config.alerting.groupWait + 50);
    },
    requestEvaluation: (targetId) => batcher.request(targetId),
    refreshTargets: () => {
      loaded = withAutoTargets(opts.loaded, db, clock());
    },
  };
  const guard = storeGuard(deps, metrics);
  consumeOwnerJobs(deps, guard, {
    pollConcurrency: opts.pollConcurrency ?? opts.loaded.config.queue.pollConcurrency,
    notifyConcurrency: opts.notifyConcurrency ?? 2,
  });
  const polls = pollTicks({ loaded: opts.loaded, queue: backend.queue, log, targets: () => loaded.config.targets });
  const drivers = { polls, cycles, offerDue: () => offer.now(), probeStore: () => guard.probe() };
  const table = daemonSchedules(deps, drivers, {
    evaluateEveryMs: opts.evaluateEveryMs ?? 5 * 60_000,
    deliveryIntervalMs: opts.deliveryIntervalMs ?? 5_000,
    probeEveryMs: opts.probeEveryMs ?? 10_000,
  });
  const schedules = startSchedules(table, { log, clock, timezone: opts.loaded.config.timezone });
  const cycleGapMs = longestPollGapMs(table, opts.loaded.config.timezone);
  const lastCycle = () => ({ completedAt: cycles.lastCompletedAt(), startedAt, gapMs: cycleGapMs, now: clock() });
  const stopAll = async (timeoutMs: number) => {
    polls.stop();
    await schedules.stop();
    await batcher.stop();
    offer.stop();
    await backend.queue.close(timeoutMs);
    await http?.close();
    await backend.close();
    await checkpointer.stop();
    releaseHolder(db, process.pid);
    closeDatabase(db);
  };
  let http: Awaited<ReturnType<typeof startHttp>> | undefined;
  try {
    const { listen, apiToken } = opts.loaded.config.http ?? {};
    // Read once at start, like every secret the daemon holds; never logged.
    const drills = { token: apiToken && opts.loaded.secret(apiToken, 'http.apiToken'), deps };
    http = listen
      ? await startHttp({ db, queue: backend.queue, metrics, log, lastCycle, store: guard.problem, drills }, listen)
      : undefined;
  } catch (err) {
    // Nothing may keep the process alive once `start` has failed: undo everything started above.
    await stopAll(2_000).catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'cleanup after a failed start was incomplete'));
    throw err;
  }
  log.info({ mode: backend.queue.kind, database: opts.loaded.databasePath, at: iso(clock()) }, 'daemon started');
  return {
    deps,
    scheduler: polls,
    pollNow: () => {
      const slot = `now:${slotOf(new Date(clock()))}`;
      cycles.begin(
        'poll now',
        slot,
        loaded.config.targets.map((t) => t.id),
      );
      return polls.pollAll(slot);
    },
    httpUrl: http?.url,
    async stop(timeoutMs) {
      await stopAll(timeoutMs);
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
  const clock = opts.clock ?? systemClock;
  const backend = await createBackend(loaded, log, opts);
  const base = createWorkerServices({ loaded, log, clock, ...(opts.fetch && { fetch: opts.fetch }) });
  const deps: WorkerDeps = {
    ...base,
    queue: backend.queue,
    limiter: backend.limiter,
    lock: backend.lock,
    events: metricsEvents(createMetrics()),
  };
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
