import { setTimeout as delay } from 'node:timers/promises';
import { rules } from '../rules/registry.js';
import type { LoadedConfig } from '../src/config/load.js';
import type { TargetConfig } from '../src/config/schema.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import type { Db } from '../src/db/client.js';
import type { DiscoverDeps, DiscoverySummary } from '../src/discovery/discover.js';
import type { EvaluationSummary } from '../src/engine/evaluate.js';
import type { EvaluateDeps } from '../src/engine/judge.js';
import type { FetchDeps, PollSummary } from '../src/engine/poll.js';
import type { RetryPolicy, SettleVerdict } from '../src/notify/outbox.js';
import { notifiers } from '../src/notify/registry.js';
import type { SendDeps } from '../src/notify/send.js';
import { backupSources } from '../src/providers/registry.js';
import { fetchTransport, type HttpTransport, undiciTransport } from '../src/providers/transport.js';
import type { KeyedLock, QueueBackend, RateLimiter } from '../src/queue/types.js';
import type { ReportDeps } from '../src/report/build.js';

/**
 * Who hears what the pipeline did: the daemon counts it in /metrics, a one-shot run collects it for
 * its summary and progress line. Called on the process that ran the job; must not throw.
 */
export interface PipelineEvents {
  /** A poll job started fetching. */
  pollStarted(target: TargetConfig): void;
  /** The owner committed a poll (a redelivered duplicate is not reported again). */
  polled(summary: PollSummary): void;
  /** A slot was skipped: the target's previous poll still held its lock. */
  pollSkipped(targetId: string, slot: string | undefined): void;
  evaluated(summary: EvaluationSummary): void;
  discovered(summaries: readonly DiscoverySummary[]): void;
  /** One digest's delivery came to `verdict` for its `items` outbox rows. */
  settled(channel: string, verdict: SettleVerdict, items: number): void;
}

/** Events nobody listens to. */
export const unheard: PipelineEvents = {
  pollStarted: () => {},
  polled: () => {},
  pollSkipped: () => {},
  evaluated: () => {},
  discovered: () => {},
  settled: () => {},
};

/** What the pipeline hands every processor beside its layer's own deps. */
export interface PipelineDeps {
  /** Where a processor hands on its follow-up work (a poll's ingest, a send's settle). */
  readonly queue: QueueBackend;
  readonly events: PipelineEvents;
}

/** Rate limits and overlap locks, shared by every process of a deployment. */
export interface SharedLimits {
  readonly limiter: RateLimiter;
  readonly lock: KeyedLock;
}

/** What the database owner's driver (daemon or one-shot run) does when a processor asks. */
export interface OwnerHooks {
  /** Look at the outbox now rather than at the next delivery tick. */
  wakeDelivery(): void;
  /** Evaluate this target soon (batched with the others asked for meanwhile). */
  requestEvaluation(targetId: string): void;
  /** Recompute the targets `discover:` generates; processors read `loaded` afresh afterwards. */
  refreshTargets(): void;
}

/** A process that polls and sends but never opens the database: poll and notify jobs run on these. */
export interface WorkerDeps extends FetchDeps, SendDeps, PipelineDeps, SharedLimits {}

/** The database owner: every job runs on these. */
export interface OwnerDeps extends WorkerDeps, EvaluateDeps, DiscoverDeps, ReportDeps, OwnerHooks {
  /** Delivery retries; the default backs off from 30 s to an hour over 12 attempts. */
  readonly retry?: RetryPolicy;
}

/** Everything the processors use but the pipeline itself: what a command builds once; tests replace any part. */
export interface AppDeps extends Omit<OwnerDeps, keyof PipelineDeps | keyof SharedLimits | keyof OwnerHooks> {
  /** Provider calls; defaults to undici, or to `fetch` when only that is given. */
  readonly http: HttpTransport;
  /** How many targets a one-shot run polls at once. */
  readonly pollConcurrency: number;
}

/** The services with their defaults: every registry, the system clock, real HTTP, a silent log. */
export function createDeps(base: { db: Db; loaded: LoadedConfig } & Partial<AppDeps>): AppDeps {
  return { ...defaultServices(), ...withHttp(base) };
}

/** Everything but the database: what a remote worker, which never opens the database, runs on. */
export function createWorkerServices(
  base: { loaded: LoadedConfig } & Partial<Omit<AppDeps, 'db'>>,
): Omit<AppDeps, 'db' | 'rules' | 'retry' | 'instanceSources' | 'throttle' | 'coverageFacts'> {
  return { ...defaultServices(), ...withHttp(base) };
}

/** A `fetch` passed in carries provider calls too, unless an `http` transport is also given. */
function withHttp<T extends Partial<AppDeps>>(base: T): T {
  return base.fetch && !base.http ? { ...base, http: fetchTransport(base.fetch) } : base;
}

function defaultServices() {
  return {
    clock: systemClock,
    log: silentLogger,
    fetch: globalThis.fetch,
    http: undiciTransport(),
    sleep: (ms: number) => delay(ms).then(() => undefined),
    random: Math.random,
    rules,
    sources: backupSources,
    notifiers,
    timeoutMs: 20_000,
    pollConcurrency: 4,
  };
}
