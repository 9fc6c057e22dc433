import cron, { type ScheduledTask } from 'node-cron';
import { pollJob } from '../../jobs/poll.js';
import { reportJob } from '../../jobs/report.js';
import { lastCompleteWeek } from '../report/period.js';
import { iso } from '../clock.js';
import { isAutoTarget } from '../discovery/auto-targets.js';
import type { LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { QueueBackend } from '../queue/types.js';

export interface SchedulerDeps {
  readonly loaded: LoadedConfig;
  readonly queue: QueueBackend;
  readonly log: Logger;
  /** The targets as of now (the config's plus those `discover:` generated); read at every tick. Default: the config's. */
  readonly targets?: () => readonly TargetConfig[];
}

export interface Scheduler {
  /** Enqueues one poll per target for `slot` (what a tick does), resolving when all are enqueued. */
  pollAll(slot: string, targets?: readonly TargetConfig[]): Promise<number>;
  /** Stops the cron tasks and gives up retrying enqueues that have not gone through. */
  stop(): Promise<void>;
  /** Enqueues still being retried (the queue backend was unreachable). */
  readonly pending: () => number;
  /** The most recent slots ticked (newest last, at most 100): what should have been polled. */
  readonly ticked: () => readonly string[];
}

/**
 * Targets in round-robin order of their accounts. Polls wait for their account's rate limit while
 * holding a worker slot; enqueued account by account, the first account's targets would fill every
 * slot and the other accounts would wait behind its limit instead of polling in parallel.
 */
export function interleaveByAccount(targets: readonly TargetConfig[]): TargetConfig[] {
  const byAccount = new Map<string, TargetConfig[]>();
  for (const t of targets) {
    const lane = byAccount.get(t.account);
    if (lane) lane.push(t);
    else byAccount.set(t.account, [t]);
  }
  const lanes = [...byAccount.values()];
  const out: TargetConfig[] = [];
  for (let i = 0; out.length < targets.length; i++) for (const lane of lanes) if (lane[i]) out.push(lane[i] as TargetConfig);
  return out;
}

/** The slot of a tick: the scheduled instant (whole seconds, UTC), the same on every daemon that schedules it. */
export const slotOf = (date: Date): string => iso(Math.floor(date.getTime() / 1000) * 1000);

/**
 * node-cron tasks for `schedules.poll` and each target's own `schedule`, in the config's timezone.
 * A tick enqueues `poll:<target>:<slot>` for each of its targets: deterministic ids, so two daemons
 * ticking together enqueue each poll once. An enqueue that fails (Redis restarting) is retried until it
 * goes through: a scheduled poll is late rather than lost.
 */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  const { config } = deps.loaded;
  const current = deps.targets ?? (() => config.targets);
  const scheduleOf = (t: TargetConfig): string => t.schedule ?? config.schedules.poll;
  // Generated targets follow schedules.poll, so it ticks whenever an account discovers.
  const expressions = new Set(config.targets.map(scheduleOf));
  if (Object.values(config.accounts).some((a) => a.discover?.autoTargets)) expressions.add(config.schedules.poll);
  let stopped = false;
  let pending = 0;
  const ticked: string[] = [];
  const wakeups = new Set<() => void>();

  async function enqueue(target: TargetConfig, slot: string): Promise<boolean> {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        // A generated target travels with its job: a remote worker's config does not list it.
        const payload = isAutoTarget(config, target.id) ? { targetId: target.id, slot, target } : { targetId: target.id, slot };
        return await deps.queue.enqueue(pollJob, payload, { jobId: `poll:${target.id}:${slot}` });
      } catch (err) {
        const wait = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        deps.log.warn({ target: target.id, slot, attempt, retryInMs: wait, err: errorMessage(err) }, 'could not enqueue poll; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait);
          function done() {
            clearTimeout(timer);
            wakeups.delete(done);
            resolve();
          }
          wakeups.add(done);
        });
      }
    }
    return false;
  }

  async function pollAll(slot: string, targets: readonly TargetConfig[] = current()): Promise<number> {
    ticked.push(slot);
    if (ticked.length > 100) ticked.shift();
    pending += targets.length;
    const added = await Promise.all(interleaveByAccount(targets).map((t) => enqueue(t, slot).finally(() => pending--)));
    const n = added.filter(Boolean).length;
    deps.log.info({ slot, targets: targets.length, enqueued: n }, n < targets.length ? 'poll tick (some already enqueued elsewhere)' : 'poll tick');
    return n;
  }

  const tasks: ScheduledTask[] = [...expressions].map((expr) =>
    cron.schedule(expr, (ctx) => pollAll(slotOf(ctx.date), current().filter((t) => scheduleOf(t) === expr)).then(() => undefined), {
      timezone: config.timezone,
      name: `poll ${expr}`,
    }),
  );
  // The weekly report: the week is fixed at the tick, so a retry after midnight still reports it, and
  // `report:<week>` is enqueued once however many daemons tick (each channel is also locked per week).
  if (config.report.channels.length > 0) {
    tasks.push(
      cron.schedule(
        config.schedules.report,
        async (ctx) => {
          const week = lastCompleteWeek(ctx.date.getTime(), config.timezone).label;
          try {
            await deps.queue.enqueue(reportJob, { period: week }, { jobId: `report:${week}` });
          } catch (err) {
            deps.log.error({ week, err: errorMessage(err) }, 'could not enqueue the weekly report');
          }
        },
        { timezone: config.timezone, name: 'report' },
      ),
    );
  }
  deps.log.info({ schedules: [...expressions], timezone: config.timezone, targets: current().length }, 'scheduler started');
  return {
    pollAll,
    pending: () => pending,
    ticked: () => [...ticked],
    async stop() {
      stopped = true;
      wakeups.forEach((w) => w());
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
