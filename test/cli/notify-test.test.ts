import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackPayload } from '../../src/notify/slack-format.js';
import type { WebhookBody } from '../../src/notify/webhook.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { type HttpSink, type SinkAnswer, startHttpSink } from '../helpers/http-sink.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const TOKEN_PATH = '/services/T0001/B0002/sEcReTtOkEn0123456789';
const PASSWORD = 'mail-pa55word';

let dir: string;
let cleanupDir: () => void;
const closers: (() => Promise<void>)[] = [];
beforeEach(() => ({ dir, cleanup: cleanupDir } = tempDir('ba-notify-test-')));
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  cleanupDir();
});

async function mailSink(): Promise<SmtpSink> {
  const sink = await startSmtpSink({ auth: { user: 'auditor', pass: PASSWORD } });
  closers.push(() => sink.close());
  return sink;
}

async function httpSink(answers: SinkAnswer[] = []): Promise<HttpSink> {
  const sink = await startHttpSink(answers);
  closers.push(() => sink.close());
  return sink;
}

/**
 * Writes a config whose account secret comes from an unset variable: `notify test` must not need it.
 * Channel secrets come from the environment, as they would in production.
 */
function writeConfig(channels: Record<string, string>): string {
  const path = join(dir, 'backup-auditor.yaml');
  const lines = Object.entries(channels).map(([name, body]) => `  ${name}: ${body}`);
  writeFileSync(
    path,
    `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: { env: ALI_KEY_ID }, accessKeySecret: { env: ALI_KEY_SECRET } }
targets:
  - { id: orders-pg, account: ali, service: rds, instance: rm-1 }
channels:
${lines.join('\n')}
`,
  );
  return path;
}

const notifyTest = (channel: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(['notify', 'test', channel], { cwd: dir, env: { BACKUP_AUDITOR_CONFIG: 'backup-auditor.yaml', ...env } });

describe('backup-auditor notify test', () => {
  it('sends a marked test mail naming the config and channel, reports the time taken and writes no database', async () => {
    const sink = await mailSink();
    const config = writeConfig({
      'oncall-mail': '{ type: email, smtp: { env: SMTP_URL }, from: backup-auditor@example.com, to: [dba@example.com] }',
    });

    const run = await notifyTest('oncall-mail', { SMTP_URL: sink.url });

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^channel oncall-mail \(email\): delivered in \d+ ms\n$/);
    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0]!.parsed;
    expect(mail.subject).toBe('[backup-auditor] TEST message from backup-auditor');
    expect(mail.text).toContain(`using the config ${config}, channel "oncall-mail"`);
    expect(mail.text).toContain('No action is needed.');
    expect(existsSync(join(dir, 'audit.db'))).toBe(false);
  });

  it('posts a Slack message whose header says it is a test', async () => {
    const sink = await httpSink();
    writeConfig({ 'db-slack': '{ type: slack, webhook: { env: SLACK_URL } }' });

    const run = await notifyTest('db-slack', { SLACK_URL: `${sink.url}${TOKEN_PATH}` });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^channel db-slack \(slack\): delivered in \d+ ms\n$/);
    const payload = JSON.parse(sink.requests[0]?.body ?? '{}') as SlackPayload;
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { text: 'backup-auditor: TEST message from backup-auditor' } });
    expect(JSON.stringify(payload.blocks)).toContain('No action is needed.');
  });

  it('posts a webhook body whose item is of kind test', async () => {
    const sink = await httpSink([{ status: 204, body: '' }]);
    writeConfig({ 'audit-hook': `{ type: webhook, url: "${sink.url}/hook" }` });

    const run = await notifyTest('audit-hook');

    expect(run.code).toBe(0);
    const body = JSON.parse(sink.requests[0]?.body ?? '{}') as WebhookBody;
    expect(body).toMatchObject({ test: true, channel: 'audit-hook', items: [{ kind: 'test' }] });
  });

  it('exits 3 with the reason when Slack answers 404 no_service, without the webhook path', async () => {
    const sink = await httpSink([{ status: 404, body: 'no_service' }]);
    writeConfig({ 'db-slack': '{ type: slack, webhook: { env: SLACK_URL } }' });

    const run = await notifyTest('db-slack', { SLACK_URL: `${sink.url}${TOKEN_PATH}` });

    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `channel db-slack (slack): failed: slack webhook (127.0.0.1:${sink.port}): 404 no_service ` +
        '(permanent: fix the channel, retrying will not help)\n',
    );
    for (const secret of [TOKEN_PATH, 'sEcReTtOkEn', '/services/']) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('exits 3 and says the failure is transient when the SMTP server refuses mail for now', async () => {
    const sink = await startSmtpSink({ reject: { code: 451, text: 'try again later' } });
    closers.push(() => sink.close());
    writeConfig({ 'oncall-mail': '{ type: email, smtp: { env: SMTP_URL }, from: backup-auditor@example.com, to: [dba@example.com] }' });

    const run = await notifyTest('oncall-mail', { SMTP_URL: sink.url });

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        /^channel oncall-mail \(email\): failed: email via 127\.0\.0\.1:\d+: /.source +
          /451 try again later.*\(transient: a later attempt may succeed\)\n$/.source,
      ),
    );
  });

  it("exits 3 naming the missing variable when the channel's own secret is not set", async () => {
    writeConfig({ 'db-slack': '{ type: slack, webhook: { env: SLACK_URL } }' });

    const run = await notifyTest('db-slack');

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'channel db-slack (slack): failed: channels.db-slack.webhook: environment variable SLACK_URL is not set (permanent',
    );
  });

  it('exits 2 listing the configured channels when the channel is unknown', async () => {
    writeConfig({
      'db-slack': '{ type: slack, webhook: { env: SLACK_URL } }',
      'oncall-mail': '{ type: email, smtp: { env: SMTP_URL }, from: backup-auditor@example.com, to: [dba@example.com] }',
    });

    const run = await notifyTest('pager');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('unknown channel "pager"; configured channels: db-slack (slack), oncall-mail (email)\n');
    expect(existsSync(join(dir, 'audit.db'))).toBe(false);
  });
});
