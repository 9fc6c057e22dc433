import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { createLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import type { Simulator } from '../../src/simulator/index.js';
import { spawnCli } from '../helpers/cli.js';
import { auditRows } from '../helpers/db.js';
import { startQueueFleet } from '../helpers/queue-fleet.js';
import { useRedis } from '../helpers/use-redis.js';
import { until as waitUntil } from '../helpers/wait.js';

// Scale-out on a real redis-server: `start` owns the database, `worker` processes poll.

const until = <T>(check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> => waitUntil(check, timeoutMs, 50);
const KEY = { accessKeyId: 'LTAI5tScaleOut', accessKeySecret: 'scale-out-secret' };
const redis = useRedis();

interface World {
  sim: Simulator;
  dir: string;
  config: string;
  cleanup: () => void;
  stops: (() => Promise<unknown>)[];
}
let w: World | undefined;
let seq = 0;
afterEach(async () => {
  if (!w) return;
  for (const stop of w.stops.reverse()) await stop();
  await w.sim.close();
  w.cleanup();
  w = undefined;
});

async function world(o: { instances: number; perInstance: number; schedule: string; perSecond: number; http?: boolean }): Promise<World> {
  const started = await startQueueFleet({ key: KEY, redisUrl: redis.url, prefix: `t${++seq}-${process.pid}`, ...o });
  w = { ...started, stops: [] };
  return w;
}

/** What every owner daemon of the test warned of: a slot skipped while the previous poll still ran. */
const skippedSlots = new Set<string>();
const skipWatcher = createLogger({
  level: 'warn',
  destination: new Writable({
    write: (chunk, _enc, done) => {
      for (const line of String(chunk)
        .split('\n')
        .filter((l) => l.includes('slot skipped'))) {
        const { target, slot } = JSON.parse(line) as { target: string; slot: string };
        skippedSlots.add(`${target}@${slot}`);
      }
      done();
    },
  }),
});

async function owner(v: World, pollConcurrency?: number): Promise<Daemon> {
  const d = await startDaemon({
    loaded: loadConfigFile(v.config, { env: {} }),
    log: skipWatcher,
    ...(pollConcurrency !== undefined && { pollConcurrency }),
  });
  v.stops.push(() => d.stop(2_000));
  return d;
}

function worker(v: World) {
  const child = spawnCli(['--config', v.config, 'worker', '--concurrency', '4', '--log-level', 'info', '--shutdown-timeout', '1s']);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  v.stops.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return child.result;
  });
  return { child, log: () => stderr, ready: () => until(() => stderr.includes('worker started')) };
}

describe('scale-out with BullMQ on Redis', () => {
  it('lets two worker processes share the polls while together keeping one account’s rate limit', async () => {
    const v = await world({ instances: 6, perInstance: 150, schedule: '0 0 1 1 *', perSecond: 5 });
    const d = await owner(v, 0);
    const [a, b] = [worker(v), worker(v)];
    await Promise.all([a.ready(), b.ready()]);
    await d.scheduler.pollAll('2026-01-01T00:00:00Z');
    await until(() => auditRows<{ n: number }>(v.dir, `SELECT COUNT(*) AS n FROM poll_runs WHERE outcome = 'ok'`)[0]!.n === 6);
    const times = v.sim.requests.records.map((r) => r.at).sort((x, y) => x - y);
    expect(times).toHaveLength(12);
    // The simulator stamps responses, which a loaded machine can bunch a little: allow one request of
    // jitter per second. Unlimited, all 12 would arrive within a few tens of milliseconds.
    for (let i = 0; i + 6 < times.length; i++) expect(times[i + 6]! - times[i]!).toBeGreaterThanOrEqual(900);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2_000);
    expect(a.log()).toContain('"msg":"polling"');
    expect(b.log()).toContain('"msg":"polling"');
  });

  it('counts on the owner’s /metrics the polls a remote worker ran, and shows the queue depth', async () => {
    const v = await world({ instances: 3, perInstance: 20, schedule: '0 0 1 1 *', perSecond: 100, http: true });
    const d = await owner(v, 0);
    const a = worker(v);
    await a.ready();
    await d.scheduler.pollAll('2026-01-01T00:00:00Z');
    await until(() => auditRows<{ n: number }>(v.dir, `SELECT COUNT(*) AS n FROM poll_runs WHERE outcome = 'ok'`)[0]!.n === 3);
    expect(a.log()).toContain('"msg":"polling"');
    const metrics = await (await fetch(`${d.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^backup_auditor_polls_total\{outcome="ok"\} 3$/m);
    expect(metrics).toMatch(/^backup_auditor_poll_duration_seconds_count 3$/m);
    expect(metrics).toMatch(/^backup_auditor_queue_jobs\{queue="poll",state="waiting"\} 0$/m);
    expect(metrics).toMatch(/^backup_auditor_queue_jobs\{queue="ingest",state="failed"\} 0$/m);
  });

  it('finishes a poll on another worker when its worker is killed mid-job', async () => {
    const v = await world({ instances: 1, perInstance: 250, schedule: '0 0 1 1 *', perSecond: 100 });
    v.sim.faults.latencyMs = 700;
    const d = await owner(v, 0);
    const a = worker(v);
    await a.ready();
    await d.scheduler.pollAll('2026-01-01T00:00:00Z');
    await until(() => v.sim.requests.count() >= 1);
    a.child.kill('SIGKILL');
    const b = worker(v);
    await b.ready();
    v.sim.faults.latencyMs = 0;
    await until(() => auditRows<{ n: number }>(v.dir, `SELECT COUNT(*) AS n FROM poll_runs`)[0]!.n >= 1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(auditRows(v.dir, `SELECT outcome, items FROM poll_runs`)).toEqual([{ outcome: 'ok', items: 250 }]);
    expect(b.log()).toContain('"msg":"polling"');
  });

  it('polls each target once per slot with two daemons scheduling at once', async () => {
    const v = await world({ instances: 2, perInstance: 20, schedule: '*/2 * * * * *', perSecond: 100 });
    const [d1, d2] = [await owner(v), await owner(v)];
    await new Promise((r) => setTimeout(r, 5_500));
    // Stop ticking, then let the polls already sent be ingested: a poll in flight at stop would
    // otherwise have made its request with its ingest job still waiting in Redis.
    await Promise.all([d1.scheduler.stop(), d2.scheduler.stop()]);
    // A run of identical polls is one row: it counts its polls, and covers the slots from its first to its last.
    const stored = () => auditRows<{ n: number }>(v.dir, `SELECT SUM(coalesce(polls, 1)) AS n FROM poll_runs`)[0]!.n;
    await until(() => stored() === v.sim.requests.count(), 10_000).catch(() => undefined);
    await d1.stop(2_000);
    await d2.stop(2_000);
    v.stops.length = 0;
    const slots = new Set([...d1.scheduler.ticked(), ...d2.scheduler.ticked()]);
    expect(slots.size).toBeGreaterThanOrEqual(2);
    const runs = auditRows<{ target_id: string; slot: string; last: string; polls: number }>(
      v.dir,
      `SELECT target_id, slot, coalesce(last_slot, slot) AS last, coalesce(polls, 1) AS polls FROM poll_runs`,
    );
    expect(v.sim.requests.count()).toBe(stored()); // one request per poll (20 backups = one page)
    for (const t of ['db-0', 'db-1']) {
      const mine = runs.filter((r) => r.target_id === t);
      // A slot whose previous poll of the target still ran is skipped by design, and logged.
      for (const slot of [...slots].filter((s) => !skippedSlots.has(`${t}@${s}`)))
        expect(
          mine.some((r) => r.slot <= slot && slot <= r.last),
          `${t} ${slot}`,
        ).toBe(true);
      // Every slot polled, and none twice.
      expect(
        mine.reduce((n, r) => n + r.polls, 0),
        t,
      ).toBe([...slots].filter((s) => !skippedSlots.has(`${t}@${s}`)).length);
    }
  });

  it('reconnects after a Redis restart without losing a scheduled poll', async () => {
    const v = await world({ instances: 1, perInstance: 20, schedule: '* * * * * *', perSecond: 100 });
    const d = await owner(v);
    await until(() => auditRows<{ n: number }>(v.dir, `SELECT COUNT(*) AS n FROM poll_runs`)[0]!.n >= 1);
    await redis.restart({ keepData: true });
    const restartedAt = Date.now();
    const lastPoll = `coalesce(last_finished_at, finished_at)`;
    await until(
      () => auditRows<{ n: number }>(v.dir, `SELECT COUNT(*) AS n FROM poll_runs WHERE ${lastPoll} > ${restartedAt + 1_500}`)[0]!.n >= 1,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const ticked = d.scheduler.ticked().filter((s) => Date.parse(s) < Date.now() - 1_500);
    // A run of identical polls covers the slots from its first to its last, each polled once.
    const runs = auditRows<{ slot: string; last: string }>(v.dir, `SELECT slot, coalesce(last_slot, slot) AS last FROM poll_runs`);
    const polls = auditRows<{ n: number }>(v.dir, `SELECT SUM(coalesce(polls, 1)) AS n FROM poll_runs`)[0]!.n;
    expect(ticked.length).toBeGreaterThanOrEqual(3);
    expect(ticked.filter((s) => !runs.some((r) => r.slot <= s && s <= r.last))).toEqual([]);
    expect(polls).toBeGreaterThanOrEqual(ticked.length);
  });
});
