import { runCycle } from '../jobs/cycle.js';
import { type AppDeps, createDeps } from '../jobs/deps.js';
import { loadConfigText } from '../src/config/load.js';
import { type ManualClock, manualClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { type Db, openDatabase } from '../src/db/client.js';
import { Fleet, type SimBackupInput, type Simulator, startSimulator } from '../src/simulator/index.js';
import { tempFolder } from './harness.js';

// A fleet of Alibaba RDS instances living through simulated days, for the figures that follow the
// whole pipeline over weeks (9: storage, 10: soak). Every 30 minutes of the injected clock is one
// `runCycle`: the daemon's own processors poll every target through the in-process simulator, ingest,
// evaluate and deliver. Each instance takes one backup a day: listed as running at 02:00, completed
// (or failed) at 02:30, and the provider drops what started more than seven days before. With
// `seenRunning: false` the backup is first listed at 02:30, already over: the listing changes once a day.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const POLLS_A_DAY = 48;
/** Midnight UTC of simulated day 0. */
export const DAY_ZERO = Date.parse('2026-10-01T00:00:00Z');

/** The polls of the day at which its backup is listed running (02:00), then finished (02:30). */
const STARTED_AT_POLL = 4;
const FINISHED_AT_POLL = 5;
/** The provider's retention: what started this long before a backup finishes drops out of the listing. */
const PROVIDER_KEEPS_MS = 7 * DAY;
const ACCESS_KEY = { accessKeyId: 'LTAI5tDailyFleet', accessKeySecret: 'daily-fleet-secret' };

/** How an instance's backup of the day ends, in Alibaba's words; `none`: the instance took no backup that day. */
export type DayOutcome = 'Success' | 'Failed' | 'none';

export interface DailyFleetOptions {
  readonly targets: number;
  /** The backup of instance `i` (target `db-<i>`) on day `day`; every day's succeeds by default. */
  readonly outcome?: (i: number, day: number) => DayOutcome;
  /** YAML after the targets: rules, channels, alerting. */
  readonly tail?: string;
  /** Whether a poll sees each backup running before it ends (the default), or sees it only once over. */
  readonly seenRunning?: boolean;
}

/** What one simulated day's cycles did. */
export interface DayTotals {
  readonly polls: number;
  readonly failedPolls: number;
  /** Finding changes the evaluations recorded. */
  readonly changes: number;
  /** Digests sent, and outbox items left to retry or failed for good. */
  readonly messages: number;
  readonly undelivered: number;
}

export interface DailyFleet {
  readonly clock: ManualClock;
  readonly sim: Simulator;
  readonly db: Db;
  readonly dbPath: string;
  /** Runs day `day`'s 48 cycles, 00:00 to 23:30 of the simulated clock. */
  runDay(day: number): Promise<DayTotals>;
  close(): Promise<void>;
}

/** Target `db-<i>`'s instance id. */
export const instanceId = (i: number): string => `rm-${i}`;

function backup(status: string, startedAt: number, endedAt: number | null, day: number): SimBackupInput {
  // Sizes creep up by a megabyte a day, as a database's do, so no size rule mistakes them for a change.
  const sizeBytes = status === 'Success' ? 50e9 + day * 1e6 : 0;
  return { status, kind: 'full', mode: 'Automated', startedAt, endedAt, sizeBytes };
}

export async function startDailyFleet(opts: DailyFleetOptions): Promise<DailyFleet> {
  const outcome = opts.outcome ?? (() => 'Success');
  const clock = manualClock(DAY_ZERO);
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', ...ACCESS_KEY });
  for (let i = 0; i < opts.targets; i++) {
    // The week before day 0, every backup a success, started 02:00 and finished 02:29.
    const week = Array.from({ length: 7 }, (_, k) => {
      const start = DAY_ZERO - (k + 1) * DAY + 2 * HOUR;
      return backup('Success', start, start + 29 * MINUTE, -(k + 1));
    });
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: instanceId(i), regionId: 'cn-hangzhou', backups: week });
  }
  const sim = await startSimulator({ fleet, clock });
  const folder = tempFolder('daily-fleet');
  const dbPath = folder.file('audit.db');
  const db = openDatabase(dbPath);
  const targets = Array.from(
    { length: opts.targets },
    (_, i) => `  - { id: db-${i}, account: ali, service: rds, instance: ${instanceId(i)} }`,
  );
  const yaml = `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "${sim.url}", accessKeyId: ${ACCESS_KEY.accessKeyId}, \
accessKeySecret: ${ACCESS_KEY.accessKeySecret} }
targets:
${targets.join('\n')}
${opts.tail ?? ''}`;
  const loaded = loadConfigText(yaml, folder.file('backup-auditor.yaml'), { env: {} });
  // The clock's own sleeper: the account's rate limit spaces requests in simulated time, not real time.
  const deps: AppDeps = createDeps({ db, loaded, clock, sleep: clock.sleep, log: silentLogger });
  const running = new Map<string, string>();

  /** The provider's side of poll `slot` of `day`: today's backups start, finish, and old ones expire. */
  function provider(day: number, slot: number, now: number): void {
    const listedAt = opts.seenRunning === false ? FINISHED_AT_POLL : STARTED_AT_POLL;
    const started = DAY_ZERO + day * DAY + STARTED_AT_POLL * 30 * MINUTE;
    for (let i = 0; i < opts.targets; i++) {
      const id = instanceId(i);
      const ends = outcome(i, day);
      // Alibaba documents no word for a backup in progress: the adapter keeps `Running` as unknown, as it would any.
      if (slot === listedAt && ends !== 'none') running.set(id, fleet.addBackup(id, backup('Running', started, null, day)).id);
      if (slot !== FINISHED_AT_POLL) continue;
      const listed = running.get(id);
      if (listed !== undefined) {
        const { status, endedAt, sizeBytes } = backup(ends, now - 30 * MINUTE, now - MINUTE, day);
        fleet.updateBackup(id, listed, { status, endedAt, sizeBytes });
        running.delete(id);
      }
      for (const b of fleet.instance(id)?.backups ?? []) if (b.startedAt < now - PROVIDER_KEEPS_MS) fleet.removeBackup(id, b.id);
    }
  }

  return {
    clock,
    sim,
    db,
    dbPath,
    async runDay(day) {
      const totals = { polls: 0, failedPolls: 0, changes: 0, messages: 0, undelivered: 0 };
      for (let slot = 0; slot < POLLS_A_DAY; slot++) {
        const now = DAY_ZERO + day * DAY + slot * 30 * MINUTE;
        // Never back: a cycle's rate-limit waits moved the clock on by its length (seconds, not minutes).
        clock.set(Math.max(now, clock()));
        provider(day, slot, now);
        const cycle = await runCycle(deps);
        totals.polls += cycle.polls.length;
        totals.failedPolls += cycle.polls.filter((p) => !p.ok).length;
        totals.changes += cycle.evaluation.changes;
        totals.messages += cycle.delivery.messages;
        totals.undelivered += cycle.delivery.retry + cycle.delivery.failed;
      }
      return totals;
    },
    async close() {
      await sim.close();
      db.$client.close();
      folder.remove();
    },
  };
}
