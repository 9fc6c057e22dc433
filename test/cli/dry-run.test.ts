import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, type SimBackupInput, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tDryRunKey', accessKeySecret: 'dry-run-secret-value-1' };

function daily(lastEnd: number, days: number): SimBackupInput[] {
  return Array.from({ length: days }, (_, d) => ({
    status: 'Success',
    kind: 'full',
    mode: 'Automated',
    startedAt: lastEnd - d * 24 * H - 30 * 60_000,
    endedAt: lastEnd - d * 24 * H,
    sizeBytes: 5 * 1024 ** 3,
  }));
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('run-once --dry-run', () => {
  let sim: Simulator;
  let smtp: SmtpSink;
  let slack: HttpSink;
  let dir: string;
  let cleanup: () => void;
  let config: string;
  const now = Date.now();

  beforeAll(async () => {
    const fleet = new Fleet();
    fleet.addAccount({ cloud: 'aliyun', ...KEY });
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rm-healthy', regionId: 'cn-hangzhou', backups: daily(now - 3 * H, 10) });
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rm-stale', regionId: 'cn-hangzhou', backups: daily(now - 30 * H, 10) });
    sim = await startSimulator({ fleet });
    smtp = await startSmtpSink();
    slack = await startHttpSink();
    ({ dir, cleanup } = tempDir('ba-dry-run-'));
    config = join(dir, 'backup-auditor.yaml');
    writeFileSync(
      config,
      `database: ./state/audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "${sim.url}", accessKeyId: ${KEY.accessKeyId}, accessKeySecret: { env: ALI_SK } }
targets:
  - { id: healthy-db, account: ali, service: rds, instance: rm-healthy }
  - { id: stale-db, account: ali, service: rds, instance: rm-stale }
channels:
  mail: { type: email, smtp: { env: SMTP_URL }, from: auditor@example.com, to: [dba@example.com] }
  slack: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
`,
    );
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), smtp?.close(), slack?.close()]);
    cleanup?.();
  });

  const env = () => ({ ALI_SK: KEY.accessKeySecret, SMTP_URL: smtp.url, SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/dry-run-token` });
  const cli = (...args: string[]) => runCli(['--config', config, ...args], { env: env() });

  it('creates no database when there is none yet, and sends nothing', async () => {
    const r = await cli('run-once', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('dry run: 2 messages would be sent (none was)');
    expect(existsSync(join(dir, 'state'))).toBe(false);
    expect(smtp.messages).toHaveLength(0);
    expect(slack.requests).toHaveLength(0);
  });

  it('prints the notifications a real run would send, leaves the database byte-identical and sends nothing', async () => {
    const first = await cli('run-once');
    expect(first.code).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);
    sim.fleet.addBackup('rm-healthy', {
      status: 'Failed',
      kind: 'full',
      mode: 'Automated',
      startedAt: Date.now() - 2 * H,
      endedAt: Date.now() - H,
      sizeBytes: 0,
    });
    const db = join(dir, 'state', 'audit.db');
    const before = { hash: sha256(db), files: readdirSync(join(dir, 'state')).sort() };

    const dry = await cli('run-once', '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('dry run: 2 messages would be sent (none was)');
    expect(dry.stdout).toMatch(/-- to mail \(email\): \[backup-auditor\] WARNING: 1 firing/);
    expect(dry.stdout).toContain('[FIRING] WARNING healthy-db / failed-backup');
    expect(dry.stdout).toContain(`${db} is unchanged`);
    expect(dry.stderr).toContain('2 messages would be sent');
    expect({ hash: sha256(db), files: readdirSync(join(dir, 'state')).sort() }).toEqual(before);
    expect(smtp.messages).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);

    const real = await cli('run-once');
    expect(real.code).toBe(1);
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]?.parsed.subject).toBe('[backup-auditor] WARNING: 1 firing');
    expect(slack.requests).toHaveLength(2);
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
