import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { aliyunAccountYaml, backupSeries, numberedInstances, numberedTargetsYaml, rdsFleet } from '../helpers/rds-fleet.js';
import { mountSmallDisk } from '../helpers/tmpfs.js';
import { IN_FAULTS_SUITE, record, scaled, sleep, until } from './support.js';

// The auditor never blind without saying so: a wrong key at the first run, a disk that fills up and a
// lock held past the busy timeout under a running daemon, the clock jumping, the heartbeat monitor
// down. In each: nothing lost, someone told.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tBlindnessKey', accessKeySecret: 'blindness-secret-value' };
const TARGETS = scaled(6, 3);

interface World {
  sim: Simulator;
  slack: HttpSink;
  monitor: HttpSink;
  dir: string;
  config: string;
  env: NodeJS.ProcessEnv;
  daemon?: Daemon;
  db(): Database.Database;
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** `TARGETS` healthy RDS instances, Slack, a heartbeat monitor; the database in `dbDir` when given. */
async function world(opts: { dbDir?: string; schedule?: string; monitor?: () => { status?: number } } = {}): Promise<World> {
  const now = Date.now();
  const sim = await startSimulator({
    fleet: rdsFleet(
      KEY,
      numberedInstances(TARGETS, () => backupSeries(now - 2 * H, 10)),
    ),
  });
  const slack = await startHttpSink();
  const monitor = await startHttpSink([], opts.monitor);
  const { dir, cleanup } = tempDir('ba-faults-blind-');
  closers.push(
    cleanup,
    () => sim.close(),
    () => slack.close(),
    () => monitor.close(),
  );
  const database = opts.dbDir ? join(opts.dbDir, 'audit.db') : './audit.db';
  const config = join(dir, 'backup-auditor.yaml');
  writeFileSync(
    config,
    `database: ${database}
schedules: { poll: "${opts.schedule ?? '0 0 1 1 *'}" }
http: { listen: 127.0.0.1:0 }
heartbeat: { url: { env: HEARTBEAT_URL }, timeout: 1s }
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, '{ env: ALI_SK }')}
targets:
${numberedTargetsYaml(TARGETS)}
channels:
  slack: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
alerting: { groupWait: 0s }
`,
  );
  const env = { ALI_SK: KEY.accessKeySecret, SLACK_WEBHOOK_URL: `${slack.url}/hook`, HEARTBEAT_URL: `${monitor.url}/hb` };
  const file = opts.dbDir ? database : join(dir, 'audit.db');
  return { sim, slack, monitor, dir, config, env, db: () => new Database(file, { readonly: true }) };
}

async function startOn(w: World, opts: { clock?: Clock; probeEveryMs?: number } = {}): Promise<Daemon> {
  const loaded = loadConfigFile(w.config, { env: w.env });
  const daemon = await startDaemon({ loaded, log: silentLogger, probeEveryMs: 200, deliveryIntervalMs: 200, ...opts });
  closers.push(() => daemon.stop(1_000));
  return daemon;
}

const slackText = (w: World) => w.slack.requests.map((r) => r.body).join('\n');
const count = (w: World, sql: string): number => {
  const db = w.db();
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
};

describe.runIf(IN_FAULTS_SUITE)('blindness', () => {
  it('alarms every target at the first run with a wrong key, and tells Slack and the heartbeat', async () => {
    const started = Date.now();
    const w = await world();
    const r = await runCli(['--config', w.config, 'run-once', '--json'], { env: { ...w.env, ALI_SK: 'a-wrong-secret' } });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as { rule: string; state: string }[];
    const alarms = findings.filter((f) => f.rule === 'poll-failing' && f.state === 'alarm').length;
    expect(alarms).toBe(TARGETS);
    const told = (slackText(w).match(/poll-failing/g) ?? []).length;
    expect(told).toBeGreaterThanOrEqual(TARGETS);
    expect(w.monitor.requests.map((q) => q.path)).toEqual(['/hb/start', '/hb/fail']);
    expect(slackText(w)).not.toContain('a-wrong-secret');
    record({
      area: 'wrong key at the first run',
      alarmsExpected: TARGETS,
      alarmsDelivered: alarms,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });

  it('keeps a daemon running on a disk that fills up, tells the channels, and resumes without loss', async () => {
    const disk = mountSmallDisk('8m');
    if ('skip' in disk) {
      console.warn(`disk-full fault skipped: ${disk.skip}`);
      return;
    }
    closers.push(
      () => disk.close(),
      () => disk.free(),
    );
    const started = Date.now();
    const w = await world({ dbDir: disk.dir });
    const daemon = await startOn(w);
    await daemon.pollNow();
    await until(() => count(w, 'SELECT COUNT(*) FROM findings') > 0, 10_000, 'first evaluation');
    const polls = count(w, 'SELECT SUM(coalesce(polls, 1)) FROM poll_runs');
    disk.fill();
    await daemon.pollNow();
    await until(() => slackText(w).includes('cannot be written'), 10_000, 'store notice');
    expect((await fetch(`${daemon.httpUrl}/healthz`)).status).toBe(503);
    disk.free();
    await until(() => slackText(w).includes('can be written again'), 10_000, 'resolved notice');
    await daemon.pollNow();
    // Ingests refused during the outage are retried and may land too: at least the new cycle's polls are there.
    await until(() => count(w, 'SELECT SUM(coalesce(polls, 1)) FROM poll_runs') >= polls + TARGETS, 10_000, 'polls after the outage');
    const db = w.db();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    record({
      area: 'disk full under the daemon (tmpfs)',
      faultsInjected: 1,
      alarmsExpected: 1,
      alarmsDelivered: 1,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });

  it('tells the channels when another process holds the database past the busy timeout, and resumes', async () => {
    const started = Date.now();
    const w = await world();
    // Each probe waits out the 5 s busy timeout, synchronously: probe seldom enough to leave the loop room.
    const daemon = await startOn(w, { probeEveryMs: 2_000 });
    await daemon.pollNow();
    await until(() => count(w, 'SELECT COUNT(*) FROM findings') > 0, 10_000, 'first evaluation');
    const holder = new Database(join(w.dir, 'audit.db'));
    holder.pragma('busy_timeout = 0');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      await until(() => slackText(w).includes('cannot be written'), 45_000, 'store notice');
      expect(slackText(w)).toMatch(/locked/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await until(() => slackText(w).includes('can be written again'), 20_000, 'resolved notice');
    record({
      area: 'database locked past the busy timeout',
      faultsInjected: 1,
      alarmsExpected: 1,
      alarmsDelivered: 1,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });

  it('survives the clock jumping 3 h forward and 1 h back: every tick recorded, the skew told, resolved once it is right', async () => {
    const started = Date.now();
    const w = await world({ schedule: '*/2 * * * * *' });
    let offset = 0;
    await startOn(w, { clock: () => Date.now() + offset });
    await until(() => count(w, 'SELECT SUM(coalesce(polls, 1)) FROM poll_runs') >= TARGETS, 10_000, 'first cycle');
    // Signed requests now carry a timestamp the provider rejects: poll-failing says so at once, naming the clock.
    offset = 3 * H;
    await until(() => /InvalidTimeStamp/.test(slackText(w)), 15_000, 'the skew told');
    expect(slackText(w)).toContain("check this machine's clock");
    offset = 2 * H;
    const before = count(w, 'SELECT SUM(coalesce(polls, 1)) FROM poll_runs');
    await sleep(4_500);
    // Every tick is still recorded, as a failed poll: nothing lost.
    expect(count(w, 'SELECT SUM(coalesce(polls, 1)) FROM poll_runs')).toBeGreaterThanOrEqual(before + TARGETS);
    offset = 0;
    await until(() => /RESOLVED/i.test(slackText(w)), 15_000, 'resolved once the clock is right');
    const db = w.db();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    record({
      area: 'clock jumps (3 h forward, 1 h back)',
      faultsInjected: 2,
      alarmsExpected: TARGETS,
      alarmsDelivered: TARGETS,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });

  it('goes on auditing while the heartbeat monitor is down, and pings again once it is back', async () => {
    const started = Date.now();
    let down = true;
    const w = await world({ schedule: '*/2 * * * * *', monitor: () => (down ? { status: 503 } : {}) });
    await startOn(w);
    await until(() => w.monitor.requests.length >= 2, 10_000, 'pings while down');
    await until(() => count(w, 'SELECT SUM(coalesce(polls, 1)) FROM poll_runs') >= 2 * TARGETS, 10_000, 'polls while the monitor is down');
    down = false;
    const seen = w.monitor.requests.length;
    await until(() => w.monitor.requests.slice(seen).some((q) => q.path === '/hb'), 10_000, 'a healthy ping');
    record({ area: 'heartbeat monitor down', faultsInjected: seen, seconds: Math.round((Date.now() - started) / 1000) });
  });
});
