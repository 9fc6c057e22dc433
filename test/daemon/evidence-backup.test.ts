import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { checkDatabaseFile, evidenceCopies } from '../../src/db/backup.js';
import { type CliFleet, startCliFleet } from '../helpers/cli-fleet.js';
import { until } from '../helpers/wait.js';

// The daemon backs up its own evidence on a schedule and judges those backups like any target's: a
// backup that stops working is a finding that reaches the channels.

describe("the daemon's evidence backups", () => {
  let f: CliFleet | undefined;
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop(1_000);
    daemon = undefined;
    await f?.close();
    f = undefined;
  });

  const start = async (fleet: CliFleet, dbBackup: string) => {
    const more = `schedules: { poll: "0 0 1 1 *", dbBackup: "* * * * * *" }\ndbBackup: ${dbBackup}\nalerting: { groupWait: 0s }\n`;
    writeFileSync(fleet.config, readFileSync(fleet.config, 'utf8') + more);
    return startDaemon({ loaded: loadConfigFile(fleet.config, { env: fleet.env }), log: silentLogger, deliveryIntervalMs: 200 });
  };

  it('keeps the newest checked copies and records evidence-backup ok for the auditor', async () => {
    f = await startCliFleet();
    await f.cli('run-once');
    daemon = await start(f, '{ dir: ./backups, keep: 2 }');
    const dir = join(f.dir, 'backups');
    await until(() => evidenceCopies(dir).length === 2, 10_000);
    await until(async () => (await f?.cli('status', '--json'))?.stdout.includes('"evidence-backup"') ?? false, 10_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(evidenceCopies(dir).length).toBe(2);
    for (const c of evidenceCopies(dir)) expect(checkDatabaseFile(c.file).rows.poll_runs).toBeGreaterThanOrEqual(4);
    const findings = JSON.parse((await f.cli('status', '--json')).stdout) as { target: string; rule: string; state: string }[];
    expect(findings.filter((x) => x.target === 'backup-auditor')).toEqual([
      expect.objectContaining({ target: 'backup-auditor', rule: 'evidence-backup', state: 'ok' }),
    ]);
  });

  it('alarms evidence-backup and tells the channels when the copy cannot be written', async () => {
    f = await startCliFleet();
    await f.cli('run-once');
    // A file where the backup folder should be: every copy fails.
    writeFileSync(join(f.dir, 'blocked'), 'not a folder');
    daemon = await start(f, '{ dir: ./blocked/backups, keep: 2 }');
    const slack = f.slack;
    await until(() => slack.requests.some((r) => r.body.includes('evidence-backup')), 10_000);
    const posted = slack.requests.find((r) => r.body.includes('evidence-backup'))?.body ?? '';
    expect(posted).toContain('backup-auditor');
    expect(posted).toMatch(/backup of the database at .+ failed/);
  });
});
