import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { spawnCli } from '../helpers/cli.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { aliyunAccountYaml, backupSeries, numberedInstances, rdsFleet } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';
import { compiledCli, daemonStarted } from './compiled-cli.js';
import { IN_FAULTS_SUITE, record, SEED, scaled, sleep, until } from './support.js';

// The embedded daemon, SIGKILLed at seeded random moments while a scripted fleet flips between a
// failed and a completed latest backup. Ground truth is the script: every flip the daemon recorded
// must reach Slack at least once, with at most 1% duplicates, and the database must stay whole.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tFaultsCrash', accessKeySecret: 'faults-crash-secret' };
const TARGETS = ['db-0', 'db-1', 'db-2', 'db-3'];
const CYCLES = scaled(50, 5);

interface Transition {
  readonly target: string;
  readonly kind: 'firing' | 'resolved';
  readonly backupId: string;
}

function openRo(dir: string): Database.Database {
  return new Database(join(dir, 'audit.db'), { readonly: true, fileMustExist: true });
}

/** failed-backup finding events recorded so far, per target, oldest first (undefined while the database is not there yet). */
function findingStates(dir: string): Map<string, string[]> | undefined {
  let db: Database.Database | undefined;
  try {
    db = openRo(dir);
    const rows = db
      .prepare(`SELECT target_id AS t, to_state AS s FROM finding_events WHERE rule_id = 'failed-backup' ORDER BY id`)
      .all() as { t: string; s: string }[];
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.t, [...(out.get(r.t) ?? []), r.s]);
    return out;
  } catch {
    return undefined; // not migrated yet, or locked for a moment: look again later
  } finally {
    db?.close();
  }
}

interface SlackItem {
  readonly kind: string;
  readonly target: string;
  readonly text: string;
  readonly message: number;
}

function slackItems(sink: HttpSink): SlackItem[] {
  const items: SlackItem[] = [];
  for (const [message, r] of sink.requests.entries()) {
    const body = JSON.parse(r.body) as { blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
    if (body.blocks.some((b) => b.type === 'context' && b.elements?.some((e) => /more$/.test(e.text))))
      throw new Error('a digest was cut short');
    for (const b of body.blocks) {
      if (b.type !== 'section' || !b.text) continue;
      const m = /^\S+ \*(\w+)\* · \w+ · \*([^*]+)\* \/ failed-backup/.exec(b.text.text);
      if (m) items.push({ kind: (m[1] as string).toLowerCase(), target: m[2] as string, text: b.text.text, message });
    }
  }
  return items;
}

/**
 * Transitions in a target's recorded states: alarm, ok, alarm... A first 'ok' is the initial state,
 * not a flip; 'error' and 'skip' (evaluated before any successful poll) are no verdict either way.
 */
function recordedFlips(states: readonly string[]): number {
  const verdicts = states.filter((x) => x === 'alarm' || x === 'ok');
  return verdicts.filter((x, k) => (k === 0 ? x === 'alarm' : x !== verdicts[k - 1])).length;
}

/**
 * Ground truth against Slack. A firing item names its failed backup; resolutions are counted per
 * target, each told apart by the `since` of the ok state it reports.
 */
function compare(
  expected: readonly Transition[],
  items: readonly SlackItem[],
): { delivered: number; duplicated: number; missing: Transition[] } {
  let delivered = 0;
  let duplicated = 0;
  const missing: Transition[] = [];
  for (const t of TARGETS) {
    for (const e of expected.filter((x) => x.target === t && x.kind === 'firing')) {
      const hits = items.filter(
        (it) => it.target === t && it.kind === 'firing' && new RegExp(`backup ${e.backupId}\\b`).test(it.text),
      ).length;
      if (hits === 0) missing.push(e);
      else delivered++;
      duplicated += Math.max(0, hits - 1);
    }
    const resolutions = expected.filter((e) => e.target === t && e.kind === 'resolved');
    const resolvedItems = items.filter((it) => it.target === t && it.kind === 'resolved');
    const distinct = new Set(resolvedItems.map((it) => /since (\S+)/.exec(it.text)?.[1])).size;
    delivered += Math.min(distinct, resolutions.length);
    // More distinct resolutions than scripted would be invented transitions: count them as duplicates too.
    duplicated += resolvedItems.length - Math.min(distinct, resolutions.length);
    missing.push(...resolutions.slice(distinct));
  }
  return { delivered, duplicated, missing };
}

/** Messages whose every item an earlier message already carried: a digest sent again after a kill. */
function resentMessages(items: readonly SlackItem[]): number {
  const key = (it: SlackItem): string =>
    it.kind === 'firing' ? `${it.target} ${/backup (\S+)/.exec(it.text)?.[1]}` : `${it.target} ${/since (\S+)/.exec(it.text)?.[1]}`;
  const seen = new Set<string>();
  let resent = 0;
  for (const message of [...new Set(items.map((it) => it.message))]) {
    const keys = items.filter((it) => it.message === message).map(key);
    if (keys.every((k) => seen.has(k))) resent++;
    for (const k of keys) seen.add(k);
  }
  return resent;
}

type Daemon = ReturnType<typeof spawnCli>;

let sim: Simulator | undefined;
let slack: HttpSink | undefined;
const dirs: (() => void)[] = [];
afterAll(async () => {
  await Promise.all([sim?.close(), slack?.close()]);
  for (const c of dirs) c();
});

describe.runIf(IN_FAULTS_SUITE)('the embedded daemon under repeated SIGKILL', () => {
  // Compiled once: started through tsx, a loaded machine spends most of each cycle compiling.
  let entry = '';
  beforeAll(async () => {
    entry = await compiledCli();
  }, 240_000);

  it(`delivers every alarm transition at least once across ${CYCLES} kills, with at most 1% duplicates and no partial poll`, async () => {
    const started = Date.now();
    // Kill moments come from their own sequence, so a seed replays them whatever the flips do.
    const killAt = mulberry32(SEED);
    const random = mulberry32(SEED + 1);
    const now = Date.now();
    const fleet = rdsFleet(
      KEY,
      numberedInstances(TARGETS.length, () => backupSeries(now - 2 * H, 20)),
    );
    sim = await startSimulator({ fleet, faults: { latencyMs: 40 } });
    slack = await startHttpSink();
    const { dir, config, cleanup } = tempConfig(
      `database: ./audit.db
schedules: { poll: "* * * * * *" }
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret, 'rateLimit: { perSecond: 200 }')}
targets:
${TARGETS.map((t, i) => `  - { id: ${t}, account: ali, service: rds, instance: rm-${i} }`).join('\n')}
rules: { recent-success: false, retention: false, size-anomaly: false, stuck-running: false, target-missing: false, poll-failing: false }
channels:
  slack: { type: slack, webhook: "${slack.url}/services/T/B/crash" }
alerting: { groupWait: 0s }
`,
      'ba-faults-crash-',
    );
    dirs.push(cleanup);

    // The script: each target alternates failed / completed; a flip happens only once the daemon has
    // recorded the previous one, so every scripted transition is one the daemon must report.
    const expected: Transition[] = [];
    const phase = new Map(TARGETS.map((t) => [t, 0])); // transitions scripted so far per target
    let clockMs = now - H;
    const flip = (target: string): void => {
      const i = TARGETS.indexOf(target);
      const n = phase.get(target) ?? 0;
      clockMs += 1000;
      const failing = n % 2 === 0;
      const b = fleet.addBackup(`rm-${i}`, {
        status: failing ? 'Failed' : 'Success',
        kind: 'full',
        mode: 'Automated',
        startedAt: clockMs - 500,
        endedAt: clockMs,
        sizeBytes: failing ? 0 : 1e9,
      });
      expected.push({ target, kind: failing ? 'firing' : 'resolved', backupId: b.id });
      phase.set(target, n + 1);
    };
    const flipper = setInterval(() => {
      const states = findingStates(dir);
      if (!states) return;
      for (const t of TARGETS) {
        const n = phase.get(t) ?? 0;
        const seen = states.get(t) ?? [];
        if (recordedFlips(seen) >= n && seen.some((x) => x === 'alarm' || x === 'ok') && random() < 0.5) flip(t);
      }
    }, 150);

    let kills = 0;
    let last: Daemon | undefined;
    let startupMs = 1_500;
    try {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const spawned = Date.now();
        const child = spawnCli(['--config', config, 'start', '--log-level', 'info'], { entry });
        const u = killAt();
        if (u < 0.1) {
          // One kill in ten lands in start-up: opening and migrating the database, giving back orphaned claims.
          await Promise.race([sleep(u * 10 * startupMs), child.result]);
        } else {
          // The others are timed from readiness, whatever start-up cost: anywhere from right after it to a
          // few poll rounds in (a poll a second, each followed by evaluation and sending).
          await daemonStarted(child);
          startupMs = Date.now() - spawned;
          await sleep(Math.floor(((u - 0.1) / 0.9) * 2500));
        }
        child.kill('SIGKILL');
        const r = await child.result;
        if (r.signal !== 'SIGKILL') throw new Error(`daemon exited by itself (code ${r.code}): ${r.stderr.slice(0, 2000)}`);
        kills++;
      }
      clearInterval(flipper);
      // A last, undisturbed run: everything recorded must go out.
      last = spawnCli(['--config', config, 'start', '--log-level', 'warn', '--shutdown-timeout', '2s'], { entry });
      let lastLog = '';
      last.stderr?.on('data', (d: Buffer) => (lastLog += d.toString()));
      await until(
        () => {
          const s = findingStates(dir);
          return s && TARGETS.every((t) => recordedFlips(s.get(t) ?? []) >= (phase.get(t) ?? 0));
        },
        30_000,
        'every scripted transition recorded',
      ).catch((err: unknown) => {
        const s = findingStates(dir);
        const where = TARGETS.map(
          (t) => `${t}: scripted ${phase.get(t)}, recorded ${recordedFlips(s?.get(t) ?? [])} (${(s?.get(t) ?? []).slice(-4).join(',')})`,
        );
        throw new Error(`${String(err)}\n${where.join('\n')}\nlast daemon said:\n${lastLog.slice(-3000)}`);
      });
      await until(() => compare(expected, slackItems(slack as HttpSink)).missing.length === 0, 30_000, 'every transition delivered').catch(
        () => undefined,
      );
      last.kill('SIGTERM');
      await last.result;
    } finally {
      clearInterval(flipper);
      if (last && last.exitCode === null && last.signalCode === null) last.kill('SIGKILL');
    }

    const items = slackItems(slack);
    const { delivered, duplicated, missing } = compare(expected, items);
    const messages = new Set(items.map((it) => it.message)).size;
    const resent = resentMessages(items);

    const db = openRo(dir);
    const integrity = db.pragma('integrity_check', { simple: true });
    const polls = db.prepare(`SELECT id, target_id AS target, items FROM poll_runs WHERE outcome = 'ok' ORDER BY id`).all() as {
      id: number;
      target: string;
      items: number;
    }[];
    const perPoll = new Map(
      (
        db.prepare(`SELECT last_seen_poll AS poll, COUNT(*) AS n FROM backups GROUP BY last_seen_poll`).all() as {
          poll: number;
          n: number;
        }[]
      ).map((r) => [r.poll, r.n]),
    );
    const latest = new Map<string, { id: number; items: number }>();
    for (const p of polls) latest.set(p.target, p);
    const stored = new Map(
      (db.prepare(`SELECT target_id AS t, COUNT(*) AS n FROM backups GROUP BY target_id`).all() as { t: string; n: number }[]).map((r) => [
        r.t,
        r.n,
      ]),
    );
    const orphans = db
      .prepare(`SELECT COUNT(*) FROM backups WHERE last_seen_poll NOT IN (SELECT id FROM poll_runs)`)
      .pluck()
      .get() as number;
    db.close();

    record({
      area: 'crash (SIGKILL, embedded)',
      cycles: CYCLES,
      kills,
      alarmsExpected: expected.length,
      alarmsDelivered: delivered,
      alarmsDuplicated: duplicated,
      seconds: Math.round((Date.now() - started) / 1000),
    });

    expect(kills).toBe(CYCLES);
    // Flips wait for the daemon to record the previous one, so a loaded machine scripts fewer: at least one per two kills.
    expect(expected.length).toBeGreaterThanOrEqual(Math.ceil(CYCLES / 2));
    expect(missing).toEqual([]);
    // At-least-once: a kill between Slack's 200 and the commit of that outcome sends the whole digest
    // again. The 1% budget is counted in messages (a resent digest repeats all its items at once);
    // the table also shows duplicated items.
    expect(resent, `${resent} of ${messages} messages resent, ${duplicated} items duplicated`).toBeLessThanOrEqual(
      Math.floor(messages * 0.01),
    );
    expect(integrity).toBe('ok');
    // No partial poll: the newest poll of each target stored exactly what it listed, and only whole polls exist.
    for (const [target, p] of latest) {
      expect(perPoll.get(p.id), `${target}: backups last seen by poll ${p.id}`).toBe(p.items);
      expect(stored.get(target)).toBe(p.items);
    }
    expect(orphans).toBe(0);
  });
});
