import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const EXAMPLE = resolve(import.meta.dirname, '../../../shared/contract/backup-auditor.example.yaml');
const EXAMPLE_ENV = {
  UCLOUD_PUBLIC_KEY: 'pub', UCLOUD_PRIVATE_KEY: 'priv', OTC_AK: 'ak', OTC_SK: 'sk', ALI_AK: 'ali-ak', ALI_SK: 'ali-sk',
  SMTP_URL: 'smtp://user:pass@127.0.0.1:2525', SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET: 'whsec',
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

  it('reports a schema error with the field path and its line', async () => {
    const { path } = writeConfig(minimal().replace('regionId: cn-hangzhou, ', ''));
    const r = await runCli(['validate', '--config', path], { env: { ALI_AK: 'a', ALI_SK: 'b', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x' } });
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
    const r = await runCli(['validate', '--config', path], { env: { ALI_AK: 'a', ALI_SK: 'b', SLACK_WEBHOOK_URL: 'xoxb-not-a-url-token' } });
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
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['validate', '--frob'])).code).toBe(2);
  });
});
