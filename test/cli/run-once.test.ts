import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { daily } from '../helpers/cli-fleet.js';
import { type MailedFleet, startMailedFleet } from '../helpers/mailed-fleet.js';

// The acceptance path, with real processes: the CLI runs as a child process against the
// simulator, a real SMTP server and a real HTTP server standing in for Slack, all on 127.0.0.1.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tE2eTestKey', accessKeySecret: 'e2e-secret-value-9f8a7b' };

describe('run-once end to end', () => {
  let w: MailedFleet;
  const now = Date.now();

  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: {
        healthy: daily(now - 3 * H, 10),
        failed: [
          { status: 'Failed', kind: 'full', mode: 'Automated', startedAt: now - 3 * H, endedAt: now - 2 * H, sizeBytes: 0 },
          ...daily(now - 20 * H, 10),
        ],
        stale: daily(now - 30 * H, 10),
      },
      secret: '{ file: ./ali.secret }',
      rules: 'rules:\n  retention: { minCount: 5 }\n',
    });
    writeFileSync(join(w.dir, 'ali.secret'), KEY.accessKeySecret);
  });
  afterAll(() => w?.close());

  const env = () => ({ SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/services/T1/B2/e2e-webhook-token` });
  const cli = (...args: string[]) => spawnCli(['--config', w.config, ...args], { env: env() }).result;

  it('exits 1, lists exactly the two alarms and sends one digest per channel naming both', async () => {
    const run = await cli('run-once');
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(1);
    const status = await cli('status', '--json');
    expect(status.code).toBe(1);
    const alarms = (JSON.parse(status.stdout) as { target: string; rule: string; state: string; since: string }[]).filter(
      (f) => f.state === 'alarm',
    );
    expect(alarms.map((a) => `${a.target}/${a.rule}`).sort()).toEqual(['failed-db/failed-backup', 'stale-db/recent-success']);
    expect(alarms.every((a) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(a.since))).toBe(true);
    expect(w.smtp.messages).toHaveLength(1);
    const mail = w.smtp.messages[0]!.parsed;
    for (const part of [mail.text ?? '', String(mail.html)]) {
      expect(part).toContain('failed-db');
      expect(part).toContain('stale-db');
    }
    expect(mail.subject).toMatch(/2 firing/);
    expect(w.slack.requests).toHaveLength(1);
    expect(w.slack.requests[0]!.body).toContain('failed-db');
    expect(w.slack.requests[0]!.body).toContain('stale-db');
  });

  it('sends nothing new when run again with nothing changed', async () => {
    const run = await cli('run-once');
    expect(run.code).toBe(1);
    expect(w.smtp.messages).toHaveLength(1);
    expect(w.slack.requests).toHaveLength(1);
  });

  it('sends a resolved notice once the simulator reports a fresh completed backup', async () => {
    w.sim.fleet.addBackup('rm-stale', {
      status: 'Success',
      kind: 'full',
      mode: 'Manual',
      startedAt: Date.now() - 20 * 60_000,
      endedAt: Date.now() - 60_000,
      sizeBytes: 5 * 1024 ** 3,
    });
    const run = await cli('run-once');
    expect(run.code).toBe(1); // failed-db is still in alarm
    expect(w.smtp.messages).toHaveLength(2);
    expect(w.smtp.messages[1]!.parsed.subject).toMatch(/resolved: 1/);
    expect(w.smtp.messages[1]!.parsed.text).toContain('stale-db');
    expect(w.smtp.messages[1]!.parsed.text).not.toContain('failed-db');
    expect(w.slack.requests).toHaveLength(2);
    expect(w.slack.requests[1]!.body).toContain('RESOLVED');
  });

  it('never writes the provider secret or the webhook token into the database', async () => {
    const db = new Database(join(w.dir, 'audit.db'), { readonly: true });
    const dump = db
      .prepare(
        "SELECT group_concat(x, '|') FROM (SELECT payload AS x FROM notifications UNION ALL SELECT raw FROM backups " +
          "UNION ALL SELECT coalesce(error_message, '') FROM poll_runs UNION ALL SELECT coalesce(last_error, '') FROM notifications)",
      )
      .pluck()
      .get() as string;
    db.close();
    expect(dump).not.toContain(KEY.accessKeySecret);
    expect(dump).not.toContain('e2e-webhook-token');
    expect(dump.length).toBeGreaterThan(100);
  });

  it('exits 2 on an invalid config and creates no database', async () => {
    const bad = join(w.dir, 'bad.yaml');
    writeFileSync(bad, `database: ./never.db\naccounts: {}\ntargets:\n  - { id: x, account: nope, service: rds, instance: i }\n`);
    const run = await spawnCli(['--config', bad, 'run-once']).result;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('accounts: at least one account is needed');
    expect(existsSync(join(w.dir, 'never.db'))).toBe(false);
  });
});
