import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const EXAMPLE = resolve(import.meta.dirname, '../../../shared/contract/backup-auditor.example.yaml');
const EXAMPLE_ENV = {
  UCLOUD_PUBLIC_KEY: 'pub',
  UCLOUD_PRIVATE_KEY: 'priv',
  OTC_AK: 'ak',
  OTC_SK: 'sk',
  ALI_AK: 'ali-ak',
  ALI_SK: 'ali-sk',
  SMTP_URL: 'smtp://user:pass@127.0.0.1:2525',
  SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
  WEBHOOK_SECRET: 'whsec',
};

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function writeConfig(yaml: string): { path: string; dir: string } {
  const t = tempDir();
  cleanup = t.cleanup;
  const path = join(t.dir, 'backup-auditor.yaml');
  writeFileSync(path, yaml);
  return { path, dir: t.dir };
}

const minimal = (extra = '') => `
database: ./state/audit.db
accounts:
  ali-prod: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: { env: ALI_AK }, accessKeySecret: { env: ALI_SK } }
targets:
  - { id: orders, account: ali-prod, service: rds, instance: rm-1 }
channels:
  ops: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
${extra}`;

describe('backup-auditor validate', () => {
  it('accepts the contract example config as it is', async () => {
    const copy = writeConfig(readFileSync(EXAMPLE, 'utf8'));
    const r = await runCli(['validate', '--config', copy.path], { env: EXAMPLE_ENV });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid (3 accounts, 1 targets, 3 channels, 2 routes)');
    expect(existsSync(join(copy.dir, 'data'))).toBe(false);
  });

  it('reads the config from BACKUP_AUDITOR_CONFIG when --config is absent', async () => {
    const r = await runCli(['validate'], { env: { ...EXAMPLE_ENV, BACKUP_AUDITOR_CONFIG: EXAMPLE } });
    expect(r.code).toBe(0);
  });

  it('names every problem with its path and exits 2 without creating the database', async () => {
    const { path, dir } = writeConfig(`
database: ./state/audit.db
timezone: Mars/Olympus
accounts:
  ali-prod: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: { env: ALI_AK }, accessKeySecret: { env: ALI_SK } }
targets:
  - { id: orders, account: ali-prod, service: rds, instance: rm-1 }
  - { id: orders, account: ali-prod, service: rds, instance: rm-2 }
  - { id: billing, account: ali-staging, service: rds, instance: rm-3 }
  - { id: pg, account: ali-prod, service: upgsql, instance: x, rules: { recent-success: { maxAge: soon } } }
channels:
  ops: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
routes:
  - channels: [pager]
`);
    const r = await runCli(['validate', '--config', path], { env: { ALI_AK: 'a', ALI_SK: 'b' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('timezone: unknown IANA time zone');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Mars/Olympus', 'Europe/Berlin'));
    const r3 = await runCli(['validate', '--config', path], { env: { ALI_AK: 'a', ALI_SK: 'b' } });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('targets[1].id: duplicate target id "orders" (also targets[0])');
    expect(r3.stderr).toContain('targets[2].account: unknown account "ali-staging"; defined: ali-prod');
    expect(r3.stderr).toContain('targets[3].service: "upgsql" is not a aliyun service');
    expect(r3.stderr).toContain('targets[3].rules.recent-success.maxAge: invalid duration "soon"');
    expect(r3.stderr).toContain('routes[0].channels[0]: unknown channel "pager"; defined: ops');
    expect(r3.stderr).toContain('channels.ops.webhook: environment variable SLACK_WEBHOOK_URL is not set');
    expect(existsSync(join(dir, 'state'))).toBe(false);
  });

  it('names a target or discovery region its account cannot reach, and a UCloud zone outside its region, before any poll', async () => {
    const { path, dir } = writeConfig(`
database: ./state/audit.db
accounts:
  otc-prod:
    cloud: otc
    region: eu-de
    projectId: 0483b6b16e954cb88930a360d2c4e663
    auth: { type: aksk, accessKey: ak, secretKey: sk }
    discover: { regions: [eu-de, eu-nl] }
  uc: { cloud: ucloud, publicKey: pub, privateKey: priv }
targets:
  - { id: orders, account: otc-prod, service: rds, instance: i-1, region: eu-nl }
  - { id: ledger, account: otc-prod, service: rds, instance: i-2, region: eu-de }
  - { id: pg, account: uc, service: upgsql, instance: p-1, region: cn-zj, zone: cn-sh2-01 }
  - { id: tidb, account: uc, service: tidb, instance: t-1 }
`);
    const r = await runCli(['validate', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'targets[0].region: region eu-nl differs from account "otc-prod"\'s region eu-de; project ids are per region',
    );
    expect(r.stderr).toContain('accounts.otc-prod.discover.regions[1]: region eu-nl differs from account "otc-prod"\'s region eu-de');
    expect(r.stderr).not.toContain('targets[1].region');
    expect(r.stderr).toContain('targets[2].zone: zone cn-sh2-01 is not in region cn-zj');
    expect(r.stderr).toContain('targets[3].region: required for ucloud targets');
    expect(existsSync(join(dir, 'state'))).toBe(false);
  });

  it('names schema, reference, schedule and secret problems of one file together in a single run', async () => {
    const { path, dir } = writeConfig(`
database: ./state/audit.db
timezone: Mars/Olympus
accounts:
  ali-prod: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: { env: ALI_AK }, accessKeySecret: { env: ALI_SK } }
  uc: { cloud: ucloud, publicKey: { env: UC_PUB } }
targets:
  - { id: orders, account: ali-prod, service: rds, instance: rm-1 }
  - { id: orders, account: ali-prod, service: rds, instance: rm-2, colour: red }
  - { id: billing, account: ali-staging, service: rds, instance: rm-3, schedule: "every day" }
channels:
  ops: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
routes:
  - channels: [pager]
report: { channels: [ops, mail] }
`);
    const r = await runCli(['validate', '--config', path], { env: { ALI_AK: 'a' } });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').map((l) => l.trim());
    for (const expected of [
      'timezone: unknown IANA time zone',
      'accounts.uc.privateKey:',
      'targets[1]: Unrecognized key: "colour"',
      'targets[1].id: duplicate target id "orders" (also targets[0])',
      'targets[2].account: unknown account "ali-staging"; defined: ali-prod, uc',
      'targets[2].schedule: invalid cron expression "every day"',
      'routes[0].channels[0]: unknown channel "pager"; defined: ops',
      'report.channels[1]: unknown channel "mail"; defined: ops',
      'accounts.ali-prod.accessKeySecret: environment variable ALI_SK is not set',
      'channels.ops.webhook: environment variable SLACK_WEBHOOK_URL is not set',
    ])
      expect(
        lines.some((l) => l.startsWith(expected)),
        expected,
      ).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
    expect(existsSync(join(dir, 'state'))).toBe(false);
  });

  it('exits 2 listing the schema problems when the file has the wrong shapes everywhere, without crashing', async () => {
    const { path } = writeConfig(`
accounts: [ali]
targets: [7, null, { id: [x], account: { name: ali }, service: 3 }, { id: a, account: constructor, service: rds, instance: i }]
channels: [ops]
routes: [null, { channels: 5 }, { channels: [null, 7, ops] }]
report: [1]
schedules: { poll: 5 }
`);
    const r = await runCli(['validate', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid configuration');
    expect(r.stderr).toContain('targets[0]: ');
    expect(r.stderr).not.toContain('error:');
  });

  it('points at the target whose schedule is not a cron expression, counting targets without one', async () => {
    const { path } = writeConfig(
      minimal()
        .replace('targets:\n', 'targets:\n  - { id: plain, account: ali-prod, service: rds, instance: rm-0 }\n')
        .replace('instance: rm-1 }', 'instance: rm-1, schedule: "61 * * * *" }'),
    );
    const r = await runCli(['validate', '--config', path], {
      env: { ALI_AK: 'a', ALI_SK: 'b', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('targets[1].schedule: invalid cron expression "61 * * * *"');
  });

  it('reports a target whose account is named like an object property as unknown rather than crashing', async () => {
    const { path } = writeConfig(minimal().replace('account: ali-prod', 'account: constructor'));
    const r = await runCli(['validate', '--config', path], {
      env: { ALI_AK: 'a', ALI_SK: 'b', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('targets[0].account: unknown account "constructor"; defined: ali-prod');
  });

  it('reports a schema error with the field path and its line', async () => {
    const { path } = writeConfig(minimal().replace('regionId: cn-hangzhou, ', ''));
    const r = await runCli(['validate', '--config', path], {
      env: { ALI_AK: 'a', ALI_SK: 'b', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/accounts\.ali-prod\.regionId: .*\(line 4\)|accounts\.ali-prod\.regionId: /);
  });

  it('warns about literal secrets but never prints their values', async () => {
    const { path } = writeConfig(minimal().replace('{ env: ALI_SK }', 'Sup3rS3cretValue'));
    const r = await runCli(['validate', '--config', path], { env: { ALI_AK: 'a', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('accounts.ali-prod.accessKeySecret: secret written literally');
    expect(r.stdout + r.stderr).not.toContain('Sup3rS3cretValue');
  });

  it('rejects a secret whose value has the wrong form without quoting it', async () => {
    const { path } = writeConfig(minimal());
    const r = await runCli(['validate', '--config', path], {
      env: { ALI_AK: 'a', ALI_SK: 'b', SLACK_WEBHOOK_URL: 'xoxb-not-a-url-token' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('channels.ops.webhook: must be an http(s) URL (value from $SLACK_WEBHOOK_URL)');
    expect(r.stderr).not.toContain('xoxb-not-a-url-token');
  });

  it('reads {file: PATH} secrets relative to the config file', async () => {
    const { path, dir } = writeConfig(minimal().replace('{ env: ALI_SK }', '{ file: ./ali.secret }'));
    writeFileSync(join(dir, 'ali.secret'), 'from-file\n');
    const ok = await runCli(['validate', '--config', path], { env: { ALI_AK: 'a', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x' } });
    expect(ok.code).toBe(0);
  });

  it('exits 2 with a clear message when the config file does not exist', async () => {
    const r = await runCli(['validate', '--config', '/nonexistent/backup-auditor.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config file /nonexistent/backup-auditor.yaml not found');
    expect(r.stderr).toContain('run `backup-auditor init --out /nonexistent/backup-auditor.yaml` to write one');
  });

  it('suggests `backup-auditor init` when ./backup-auditor.yaml is missing, whatever the command', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    for (const command of [['validate'], ['start'], ['report'], ['doctor']]) {
      const r = await runCli(command, { cwd: t.dir });
      expect(r.code, command[0]).toBe(2);
      expect(r.stderr, command[0]).toContain(
        `config file ${join(t.dir, 'backup-auditor.yaml')} not found: run \`backup-auditor init\` to write one`,
      );
    }
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['validate', '--frob'])).code).toBe(2);
  });
});
