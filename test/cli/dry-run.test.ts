import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { daily } from '../helpers/cli-fleet.js';
import { type MailedFleet, startMailedFleet } from '../helpers/mailed-fleet.js';

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tDryRunKey', accessKeySecret: 'dry-run-secret-value-1' };

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('run-once --dry-run', () => {
  let w: MailedFleet;
  const now = Date.now();

  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: { healthy: daily(now - 3 * H, 10), stale: daily(now - 30 * H, 10) },
      secret: '{ env: ALI_SK }',
      database: './state/audit.db',
    });
  });
  afterAll(() => w?.close());

  const env = () => ({ ALI_SK: KEY.accessKeySecret, SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/services/T/B/dry-run-token` });
  const cli = (...args: string[]) => runCli(['--config', w.config, ...args], { env: env() });

  it('creates no database when there is none yet, and sends nothing', async () => {
    const r = await cli('run-once', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('dry run: 2 messages would be sent (none was)');
    expect(existsSync(join(w.dir, 'state'))).toBe(false);
    expect(w.smtp.messages).toHaveLength(0);
    expect(w.slack.requests).toHaveLength(0);
  });

  it('prints the notifications a real run would send, leaves the database byte-identical and sends nothing', async () => {
    const first = await cli('run-once');
    expect(first.code).toBe(1);
    expect(w.smtp.messages).toHaveLength(1);
    expect(w.slack.requests).toHaveLength(1);
    w.sim.fleet.addBackup('rm-healthy', {
      status: 'Failed',
      kind: 'full',
      mode: 'Automated',
      startedAt: Date.now() - 2 * H,
      endedAt: Date.now() - H,
      sizeBytes: 0,
    });
    const db = join(w.dir, 'state', 'audit.db');
    const before = { hash: sha256(db), files: readdirSync(join(w.dir, 'state')).sort() };

    const dry = await cli('run-once', '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('dry run: 2 messages would be sent (none was)');
    expect(dry.stdout).toMatch(/-- to mail \(email\): \[backup-auditor\] WARNING: 1 firing/);
    expect(dry.stdout).toContain('[FIRING] WARNING healthy-db / failed-backup');
    expect(dry.stdout).toContain(`${db} is unchanged`);
    expect(dry.stderr).toContain('2 messages would be sent');
    expect({ hash: sha256(db), files: readdirSync(join(w.dir, 'state')).sort() }).toEqual(before);
    expect(w.smtp.messages).toHaveLength(1);
    expect(w.slack.requests).toHaveLength(1);

    const real = await cli('run-once');
    expect(real.code).toBe(1);
    expect(w.smtp.messages).toHaveLength(2);
    expect(w.smtp.messages[1]?.parsed.subject).toBe('[backup-auditor] WARNING: 1 firing');
    expect(w.slack.requests).toHaveLength(2);
  });

  it('prints one JSON document with the findings and the would-be messages', async () => {
    const r = await cli('run-once', '--dry-run', '--json');
    const doc = JSON.parse(r.stdout) as { dryRun: boolean; findings: { target: string; state: string }[]; notifications: unknown[] };
    expect(doc.dryRun).toBe(true);
    expect(doc.notifications).toEqual([]);
    expect([...new Set(doc.findings.filter((f) => f.state === 'alarm').map((f) => f.target))].sort()).toEqual(['healthy-db', 'stale-db']);
    expect(r.stderr).toBe('');
  });
});
