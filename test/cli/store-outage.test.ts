import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { daily } from '../helpers/cli-fleet.js';
import { type MailedFleet, startMailedFleet } from '../helpers/mailed-fleet.js';
import { failedBackup } from '../helpers/rds-fleet.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.js';

// With the database on a full disk, a run-once that just saw failed backups must not keep them to
// itself: it tells the channels directly, exits 3, and leaves the database whole.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tStoreOutageKey', accessKeySecret: 'store-outage-secret' };
const disk = mountSmallDisk('4m');

describe.skipIf('skip' in disk)(`run-once whose disk fills up${'skip' in disk ? `: ${disk.skip}` : ''}`, () => {
  const small = disk as SmallDisk;
  let w: MailedFleet;
  let env: NodeJS.ProcessEnv;
  const now = Date.now();
  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: { orders: daily(now - 3 * H, 10), ledger: daily(now - 2 * H, 10) },
      secret: KEY.accessKeySecret,
      database: join(small.dir, 'audit.db'),
      rules: 'alerting: { groupWait: 0s }\n',
    });
    env = { SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/hook` };
  });
  afterAll(async () => {
    small.free();
    await w?.close();
    small.close();
  });

  it('tells Slack and email what it saw and could not record, exits 3, and keeps the database whole', async () => {
    expect((await runCli(['--config', w.config, 'run-once'], { env })).code).toBe(0);
    const failedAt = now - 30 * 60_000;
    w.sim.fleet.addBackup('rm-orders', failedBackup(failedAt));
    // The disk fills up while the run waits for the provider's answers.
    w.sim.faults.latencyMs = 1_500;
    const running = runCli(['--config', w.config, 'run-once'], { env });
    await new Promise((resolve) => setTimeout(resolve, 500));
    small.fill();
    const r = await running;
    w.sim.faults.latencyMs = 0;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the database cannot be written \((disk full|I\/O error)/);
    expect(r.stderr).toMatch(/not recorded: orders-db: \d+ backups listed at .+; FAILED: /);
    const slack = w.slack.requests.map((q) => q.body).join('\n');
    expect(slack).toContain('evidence-store');
    expect(slack).toContain('FAILED');
    expect(w.smtp.messages.some((m) => (m.parsed.text ?? '').includes('cannot be written'))).toBe(true);

    small.free();
    const integrity = new Database(join(small.dir, 'audit.db'), { readonly: true }).pragma('integrity_check', { simple: true });
    expect(integrity).toBe('ok');
    // Once there is room, the next run records again and alarms on the failed backup.
    const again = await runCli(['--config', w.config, 'run-once', '--json'], { env });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('"rule": "failed-backup"');
  });
});
