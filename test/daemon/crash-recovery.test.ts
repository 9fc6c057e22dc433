import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { spawnCli } from '../helpers/cli.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { aliyunAccountYaml, backupSeries, rdsFleet } from '../helpers/rds-fleet.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { tempConfig } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

// SIGKILL at the worst moments, then a normal run: nothing half-written, every alert delivered at least once.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tCrashTest', accessKeySecret: 'crash-secret' };

interface World {
  sim: Simulator;
  smtp: SmtpSink;
  slack: HttpSink;
  dir: string;
  config: string;
  cleanup: () => void;
}
let world: World | undefined;
afterEach(async () => {
  if (!world) return;
  await Promise.all([world.sim.close(), world.smtp.close(), world.slack.close()]);
  world.cleanup();
  world = undefined;
});

async function setup(slackAnswers: Parameters<typeof startHttpSink>[0] = []): Promise<World> {
  // 250 backups = 3 pages each, one every 6h; the newest is 40h old, so recent-success alarms on every target.
  const backups = backupSeries(Date.now() - 40 * H, 250, { everyMs: 6 * H, runMs: 60_000, sizeBytes: 1024 ** 3 });
  const sim = await startSimulator({ fleet: rdsFleet(KEY, { 'rm-a': backups, 'rm-b': backups, 'rm-c': backups }) });
  const smtp = await startSmtpSink();
  const slack = await startHttpSink(slackAnswers);
  const { dir, config, cleanup } = tempConfig(
    `database: ./audit.db
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret)}
targets:
  - { id: a-db, account: ali, service: rds, instance: rm-a }
  - { id: b-db, account: ali, service: rds, instance: rm-b }
  - { id: c-db, account: ali, service: rds, instance: rm-c }
channels:
  mail: { type: email, smtp: "${smtp.url}", from: auditor@example.com, to: [dba@example.com] }
  slack: { type: slack, webhook: "${slack.url}/services/T/B/token" }
`,
    'ba-crash-',
  );
  world = { sim, smtp, slack, dir, config, cleanup };
  return world;
}

function inspect(dir: string) {
  const db = new Database(join(dir, 'audit.db'), { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      polls: db.prepare(`SELECT target_id AS target, outcome, items, id FROM poll_runs`).all() as {
        target: string;
        outcome: string;
        items: number;
        id: number;
      }[],
      backupsByTarget: Object.fromEntries(
        (db.prepare(`SELECT target_id, COUNT(*) AS n FROM backups GROUP BY target_id`).all() as { target_id: string; n: number }[]).map(
          (r) => [r.target_id, r.n],
        ),
      ),
      orphanBackups: db
        .prepare(`SELECT COUNT(*) FROM backups WHERE last_seen_poll NOT IN (SELECT id FROM poll_runs)`)
        .pluck()
        .get() as number,
    };
  } finally {
    db.close();
  }
}

const mentions = (texts: string[], target: string) => texts.some((t) => t.includes(target));

describe('run-once killed with SIGKILL', () => {
  it('in the middle of a poll leaves no partial poll, and the next run delivers every alert', async () => {
    const w = await setup();
    w.sim.faults.latencyMs = 300;
    const child = spawnCli(['--config', w.config, 'run-once']);
    await until(() => w.sim.requests.count() >= 4); // every target is between its first and last page
    child.kill('SIGKILL');
    const killed = await child.result;
    expect(killed.signal).toBe('SIGKILL');
    const after = inspect(w.dir);
    expect(after.integrity).toBe('ok');
    // Killed before any poll finished: a poll's pages are committed together or not at all.
    expect(after.polls).toEqual([]);
    expect(after.backupsByTarget).toEqual({});
    for (const p of after.polls) expect(after.backupsByTarget[p.target]).toBe(p.items);
    expect(Object.keys(after.backupsByTarget).every((t) => after.polls.some((p) => p.target === t))).toBe(true);
    expect(after.orphanBackups).toBe(0);

    w.sim.faults.latencyMs = 0;
    const again = await spawnCli(['--config', w.config, 'run-once']).result;
    expect(again.code).toBe(1);
    const final = inspect(w.dir);
    expect(final.backupsByTarget).toEqual({ 'a-db': 250, 'b-db': 250, 'c-db': 250 });
    const mailTexts = w.smtp.messages.map((m) => m.parsed.text ?? '');
    const slackTexts = w.slack.requests.map((r) => r.body);
    for (const t of ['a-db', 'b-db', 'c-db']) {
      expect(mentions(mailTexts, t)).toBe(true);
      expect(mentions(slackTexts, t)).toBe(true);
    }
  });

  it('while a notification is being sent, the next run sends it again (at least once)', async () => {
    // Slack holds the first delivery for a long time: the process is killed while it waits.
    const w = await setup([{ delayMs: 60_000 }]);
    const child = spawnCli(['--config', w.config, 'run-once']);
    await until(() => w.slack.requests.length >= 1);
    child.kill('SIGKILL');
    expect((await child.result).signal).toBe('SIGKILL');
    const db = new Database(join(w.dir, 'audit.db'), { readonly: true });
    const sending = db.prepare(`SELECT COUNT(*) FROM notifications WHERE channel = 'slack' AND status = 'sending'`).pluck().get() as number;
    db.close();
    expect(sending).toBe(3);

    const again = await spawnCli(['--config', w.config, 'run-once']).result;
    expect(again.code).toBe(1);
    expect(w.slack.requests).toHaveLength(2);
    for (const t of ['a-db', 'b-db', 'c-db']) expect(w.slack.requests[1]!.body).toContain(t);
    const mailTexts = w.smtp.messages.map((m) => m.parsed.text ?? '');
    for (const t of ['a-db', 'b-db', 'c-db']) expect(mentions(mailTexts, t)).toBe(true);
    // Nothing is sent a third time.
    await spawnCli(['--config', w.config, 'run-once']).result;
    expect(w.slack.requests).toHaveLength(2);
  });
});
