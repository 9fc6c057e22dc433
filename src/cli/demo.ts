import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { runCycle } from '../../jobs/cycle.js';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigFile } from '../config/load.js';
import { configSnapshotHash } from '../config/snapshot.js';
import { systemClock } from '../core/clock.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { chainConfig } from '../db/evidence.js';
import { type DemoFleet, demoFleet } from '../simulator/demo-fleet.js';
import { startSimulator } from '../simulator/server.js';
import { simulatorConfig } from '../simulator/sim-config.js';
import { type DemoMail, slackLines, startMailSink, startSlackSink } from './demo-sinks.js';
import { type CliIO, EXIT, println } from './io.js';
import { logger } from './logger.js';
import { cycleLine } from './run-once.js';
import { printStatus } from './status.js';

/** `demo`: the whole product on one machine with nothing installed: simulator, SMTP and Slack sinks, three cycles. */
export function demoCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('demo')
    .description('run audit cycles against the built-in simulator, with local mail and Slack sinks (nothing leaves 127.0.0.1)')
    .option('--dir <path>', 'workspace for the config and database (default: a new temporary folder)')
    .action((opts: { dir?: string }) => run(() => runDemo(io, opts.dir)));
}

/** The demo's rules, profiles and channels: critical findings mail the DBAs and post to Slack. */
const DEMO_TAIL = `rules:
  recent-success: { maxAge: 24h, severity: critical }
  failed-backup: { lookback: 24h, severity: critical }
profiles:
  - match: { env: staging }
    rules: { recent-success: { maxAge: 48h } }
channels:
  dba-mail: { type: email, smtp: { file: ./secrets/smtp-url }, from: backup-auditor@demo.invalid, to: [dba@demo.invalid] }
  db-slack: { type: slack, webhook: { file: ./secrets/slack-webhook } }
routes:
  - match: { severity: critical }
    channels: [dba-mail, db-slack]
  - channels: [db-slack]
alerting: { groupWait: 30s, repeatInterval: 24h, sendResolved: true }
`;

/** Writes the config and its secret files (one per credential, mode 0600) into `dir`; returns the config's path. */
function writeWorkspace(dir: string, sim: string, smtpPort: number, slackUrl: string, demo: DemoFleet): string {
  mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  const writeSecret = (name: string, value: string): string => {
    writeFileSync(join(dir, 'secrets', name), `${value}\n`, { mode: 0o600 });
    return `{ file: ./secrets/${name} }`;
  };
  writeSecret('smtp-url', `smtp://127.0.0.1:${smtpPort}`);
  writeSecret('slack-webhook', slackUrl);
  const yaml = simulatorConfig(demo.spec, {
    url: sim,
    database: './backup-auditor.db',
    title: 'Written by `backup-auditor demo`: the simulator, mail server and Slack sink all run on 127.0.0.1.',
    head: 'timezone: UTC',
    secret: (account, field, value) => writeSecret(`${account.name}-${field}`, value),
    // Each account lists its instances each cycle (no auto-targets): coverage and backup-policy have something to say.
    discover: true,
    tail: DEMO_TAIL,
  });
  const path = join(dir, 'backup-auditor.yaml');
  writeFileSync(path, yaml);
  return path;
}

async function runDemo(io: CliIO, dirOption: string | undefined): Promise<number> {
  const clock = systemClock;
  const demo = demoFleet(clock());
  const sim = await startSimulator({ fleet: demo.fleet, clock });
  const mail = await startMailSink();
  const slack = await startSlackSink();
  try {
    const dir = dirOption ?? mkdtempSync(join(tmpdir(), 'backup-auditor-demo-'));
    const configPath = writeWorkspace(dir, sim.url, mail.port, slack.url, demo);
    const loaded = loadConfigFile(configPath, { env: {} });
    const db = openDatabase(loaded.databasePath);
    const deps = createDeps({ db, loaded, clock, log: logger(io) });
    chainConfig(db, configSnapshotHash(loaded), clock());
    const say = (s = '') => println(io.stdout, s);
    say('backup-auditor demo: everything below runs on 127.0.0.1');
    say(`  provider simulator  ${sim.url} (Alibaba RDS, UCloud UPgSQL and TiDB, OTC RDS, Huawei DDS; signatures and IAM tokens verified)`);
    say(`  mail server         smtp://127.0.0.1:${mail.port}      Slack webhook sink  ${new URL(slack.url).origin}`);
    say(`  workspace           ${dir}`);
    say();
    for (const i of demo.instances) say(`  ${i.target.padEnd(14)} ${i.api.padEnd(16)} ${i.story}`);
    say('  not targets, found by discovery:');
    for (const d of demo.discovered) say(`  ${d.id.padEnd(31)} ${d.story}`);
    let seen = { mails: 0, slack: 0 };
    const act = async (title: string) => {
      say();
      say(`== ${title}`);
      const summary = await runCycle(deps);
      say(cycleLine(summary));
      const mails = mail.mails.slice(seen.mails);
      const posts = slack.payloads.slice(seen.slack);
      seen = { mails: mail.mails.length, slack: slack.payloads.length };
      if (mails.length + posts.length === 0) say('nothing sent: no finding changed state');
      mails.forEach((m: DemoMail) => {
        say(`-- mail to ${m.to}: ${m.subject}`);
        say(indent(m.text));
      });
      posts.forEach((p) => {
        say('-- Slack message:');
        say(indent(slackLines(p).join('\n')));
      });
    };
    try {
      await act('cycle 1: first audit');
      await act('cycle 2: nothing changed');
      demo.manualBackup(clock());
      await act(`cycle 3: someone ran a manual backup of ${demo.manualBackupTarget}`);
      say();
      say('== status');
      printStatus(db, io, false);
    } finally {
      closeDatabase(db);
    }
    say();
    say(`Explore: npx backup-auditor status --config ${configPath}   (the simulator has stopped; status reads the database)`);
    say(`         npx backup-auditor coverage --stored --config ${configPath}   (what discovery found, and what no target audits)`);
    return EXIT.compliant;
  } finally {
    await Promise.all([sim.close(), mail.close(), slack.close()]);
  }
}

const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
