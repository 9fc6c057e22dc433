import cron, { type ScheduledTask } from 'node-cron';
import { dbBackupJob } from '../../jobs/db-backup.js';
import type { OwnerDeps } from '../../jobs/deps.js';
import { discoverJob } from '../../jobs/discover.js';
import { evaluateJob } from '../../jobs/evaluate.js';
import { pruneJob } from '../../jobs/prune.js';
import { reportJob } from '../../jobs/report.js';
import type { TargetConfig } from '../config/schema.js';
import { iso } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { discoveringAccounts } from '../discovery/discover.js';
import { lastCompleteWeek } from '../report/period.js';
import type { CycleWatch } from './cycles.js';
import { type PollTicks, slotOf } from './poll-ticks.js';

/** Something the daemon does on its own clock: at cron ticks (in the config's timezone) or at a fixed interval. */
export interface Schedule {
  readonly name: string;
  readonly every: { readonly cron: string } | { readonly ms: number };
  /** Also run once at start: a restart must not hide a finding, coverage or auto-targets for a whole interval. */
  readonly atStart?: boolean;
  run(at: Date): Promise<unknown>;
}

export interface ScheduleOptions {
  /** Every target is evaluated at least this often, polled or not. */
  readonly evaluateEveryMs: number;
  /** How often the outbox is looked at (besides when an evaluation wakes it). */
  readonly deliveryIntervalMs: number;
  /** How often one small write tells whether the database can be written. */
  readonly probeEveryMs: number;
}

/** What the daemon's own clock drives besides enqueueing jobs. */
export interface ScheduleDrivers {
  readonly polls: PollTicks;
  readonly cycles: Pick<CycleWatch, 'begin'>;
  /** Offers due digests to the notify queue. */
  offerDue(): Promise<unknown>;
  /** Tries a write: an outage of the store starts or ends here even when no job runs. */
  probeStore(): void;
}

/**
 * Every schedule of the daemon, in one table. Polls tick per cron expression (`schedules.poll` and
 * targets' own `schedule`), the evaluation sweep catches verdicts that change with time alone (a backup
 * grows stale, polling stops), delivery offers due digests, a small write probes the store, and
 * discovery, the evidence backup and the weekly report run on their cron expressions when configured.
 * Each enqueues with a deterministic id, so daemons ticking together do each thing once.
 */
export function daemonSchedules(deps: OwnerDeps, drivers: ScheduleDrivers, opts: ScheduleOptions): Schedule[] {
  const { polls, cycles } = drivers;
  const { config } = deps.loaded;
  const scheduleOf = (t: TargetConfig): string => t.schedule ?? config.schedules.poll;
  const expressions = new Set(config.targets.map(scheduleOf));
  // Generated targets follow schedules.poll, so it ticks whenever an account generates targets.
  if (Object.values(config.accounts).some((a) => a.discover?.autoTargets)) expressions.add(config.schedules.poll);
  const table: Schedule[] = [...expressions].map((expr) => ({
    name: `poll ${expr}`,
    every: { cron: expr },
    run: (at) => {
      const targets = deps.loaded.config.targets.filter((t) => scheduleOf(t) === expr);
      cycles.begin(
        `poll ${expr}`,
        slotOf(at),
        targets.map((t) => t.id),
      );
      return polls.pollAll(slotOf(at), targets);
    },
  }));

  const sweepMs = opts.evaluateEveryMs;
  table.push(
    {
      name: 'evaluation sweep',
      every: { ms: sweepMs },
      atStart: true,
      run: () => deps.queue.enqueue(evaluateJob, {}, { jobId: `evaluate:sweep:${iso(Math.floor(deps.clock() / sweepMs) * sweepMs)}` }),
    },
    { name: 'delivery', every: { ms: opts.deliveryIntervalMs }, run: () => drivers.offerDue() },
    { name: 'store probe', every: { ms: opts.probeEveryMs }, run: async () => drivers.probeStore() },
  );
  if (discoveringAccounts(deps).length > 0) {
    table.push({
      name: 'discover',
      every: { cron: config.schedules.discover },
      atStart: true,
      run: (at) => deps.queue.enqueue(discoverJob, {}, { jobId: `discover:${slotOf(at)}` }),
    });
  }
  if (config.dbBackup) {
    table.push({
      name: 'db backup',
      every: { cron: config.schedules.dbBackup },
      run: (at) => deps.queue.enqueue(dbBackupJob, {}, { jobId: `db-backup:${slotOf(at)}` }),
    });
  }
  if (config.retention) {
    table.push({
      name: 'prune',
      every: { cron: config.schedules.prune },
      run: (at) => deps.queue.enqueue(pruneJob, {}, { jobId: `prune:${slotOf(at)}` }),
    });
  }
  // The week is fixed at the tick, so a retry after midnight still reports it.
  if (config.report.channels.length > 0) {
    table.push({
      name: 'report',
      every: { cron: config.schedules.report },
      run: (at) => {
        const week = lastCompleteWeek(at.getTime(), config.timezone).label;
        return deps.queue.enqueue(reportJob, { period: week }, { jobId: `report:${week}` });
      },
    });
  }
  return table;
}

/**
 * The longest wait between two runs of the table's poll schedules, over their next few runs (a weekday
 * schedule waits longer over the weekend): what a healthy daemon's poll cycles may be apart.
 */
export function longestPollGapMs(table: readonly Schedule[], timezone: string): number {
  let longest = 0;
  for (const s of table) {
    if (!s.name.startsWith('poll ') || !('cron' in s.every)) continue;
    const task = cron.createTask(s.every.cron, () => {}, { timezone });
    const runs = task.getNextRuns(8).map((d) => d.getTime());
    void task.destroy();
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, (runs[i] as number) - (runs[i - 1] as number));
  }
  return longest;
}

/** Starts every schedule of the table; a run that fails is logged and the next tick tries again. */
export function startSchedules(
  table: readonly Schedule[],
  deps: Pick<OwnerDeps, 'log' | 'clock'> & { timezone: string },
): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = [];
  const timers: NodeJS.Timeout[] = [];
  const runOne = (s: Schedule, at: Date) =>
    s.run(at).catch((err: unknown) => deps.log.error({ schedule: s.name, err: errorMessage(err) }, 'scheduled run failed'));
  for (const s of table) {
    if ('cron' in s.every) {
      tasks.push(
        cron.schedule(s.every.cron, (ctx) => runOne(s, ctx.date).then(() => undefined), { timezone: deps.timezone, name: s.name }),
      );
    } else {
      const timer = setInterval(() => void runOne(s, new Date(deps.clock())), s.every.ms);
      timer.unref();
      timers.push(timer);
    }
    if (s.atStart) void runOne(s, new Date(deps.clock()));
  }
  deps.log.info({ schedules: table.map((s) => s.name), timezone: deps.timezone }, 'schedules started');
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
