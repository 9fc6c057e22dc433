import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { daily } from '../helpers/cli-fleet.js';
import { type MailedFleet, startMailedFleet } from '../helpers/mailed-fleet.js';
import { failedBackup } from '../helpers/rds-fleet.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.js';
import { until } from '../helpers/wait.js';

// A daemon whose database cannot be written keeps running and says so: straight to the channels,
// on /healthz and in /metrics; once it can write again it says that too and records as before.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tStoreDaemonKey', accessKeySecret: 'store-daemon-secret' };
const disk = mountSmallDisk('6m');

describe.skipIf('skip' in disk)(`a daemon whose database cannot be written${'skip' in disk ? `: ${disk.skip}` : ''}`, () => {
  const small = disk as SmallDisk;
  let w: MailedFleet;
  let daemon: Daemon | undefined;
  const now = Date.now();
  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: { orders: daily(now - 3 * H, 10) },
      secret: KEY.accessKeySecret,
      database: join(small.dir, 'audit.db'),
      rules: 'schedules: { poll: "0 0 1 1 *" }\nhttp: { listen: 127.0.0.1:0 }\nalerting: { groupWait: 0s }\n',
    });
    const env = { SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/hook` };
    daemon = await startDaemon({
      loaded: loadConfigFile(w.config, { env }),
      log: silentLogger,
      probeEveryMs: 200,
      deliveryIntervalMs: 200,
    });
  });
  afterAll(async () => {
    small.free();
    await daemon?.stop(1_000);
    await w?.close();
    small.close();
  });

  const health = async () => {
    const res = await fetch(`${daemon?.httpUrl}/healthz`);
    return { status: res.status, body: (await res.json()) as { causes: string[] } };
  };
  const slackText = () => w.slack.requests.map((r) => r.body).join('\n');
  const findings = (): number => {
    const db = new Database(join(small.dir, 'audit.db'), { readonly: true });
    try {
      return db.prepare('SELECT COUNT(*) FROM findings').pluck().get() as number;
    } finally {
      db.close();
    }
  };

  it('tells the channels directly, answers 503 and counts the refused writes while the disk is full, then resumes', async () => {
    const d = daemon as Daemon;
    await d.pollNow();
    await until(() => findings() > 0);
    const failedAt = now - 20 * 60_000;
    w.sim.fleet.addBackup('rm-orders', failedBackup(failedAt));
    small.fill();
    await d.pollNow();
    await until(() => slackText().includes('cannot be written'), 10_000);
    expect(slackText()).toMatch(/orders-db: \d+ backups listed at .+; FAILED: /);
    await until(() => w.smtp.messages.some((m) => (m.parsed.text ?? '').includes('cannot be written')), 10_000);
    const sick = await health();
    expect(sick.status).toBe(503);
    expect(sick.body.causes.join('\n')).toMatch(/database: cannot be written since .+ \((disk full|I\/O error)/);
    const metrics = await (await fetch(`${d.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/backup_auditor_store_write_failures_total\{cause="(disk full|I\/O error)"\} [1-9]/);

    small.free();
    await until(() => slackText().includes('can be written again'), 10_000);
    await until(async () => (await health()).status === 200, 10_000);
    // Recording resumed: the next poll sees the failed backup and alarms on it as usual.
    await d.pollNow();
    await until(() => slackText().includes('failed-backup'), 10_000);
    const db = new Database(join(small.dir, 'audit.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
