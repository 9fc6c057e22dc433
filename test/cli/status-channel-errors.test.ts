import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../jobs/cycle.js';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigFile } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { runCli } from '../helpers/cli.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { completed, H, stubSource } from '../helpers/stub-source.js';
import { tempConfig } from '../helpers/temp.js';

// A channel that fails for good must show where people look: `status`, after a real cycle has
// tried a real HTTP server standing in for Slack and a real SMTP server.

const T0 = Date.parse('2026-11-20T12:00:00Z');
let cleanup: () => void;
let slack: HttpSink;
let smtp: SmtpSink;
let config: string;

beforeEach(async () => {
  slack = await startHttpSink([{ status: 404, body: 'no_service' }]);
  smtp = await startSmtpSink();
  ({ config, cleanup } = tempConfig(
    `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: orders-pg, account: ali, service: rds, instance: rm-orders }
rules: { retention: false, size-anomaly: false }
channels:
  dba-slack: { type: slack, webhook: "${slack.url}/services/T0001/B0002/sEcReT" }
  oncall-mail: { type: email, smtp: "${smtp.url}", from: auditor@example.com, to: [oncall@example.com] }
`,
    'ba-status-channel-',
  ));
});
afterEach(async () => {
  await Promise.all([slack.close(), smtp.close()]);
  cleanup();
});

/** One cycle at T0 in which orders-pg's last backup is 30h old: an alarm goes to both channels. */
async function cycleWithStaleBackup(): Promise<void> {
  const loaded = loadConfigFile(config, { env: {} });
  const db = openDatabase(loaded.databasePath);
  try {
    const stub = stubSource();
    stub.set('rm-orders', [completed('b1', T0 - 30 * H)]);
    await runCycle(createDeps({ db, loaded, clock: manualClock(T0), sources: stub.sources }));
  } finally {
    closeDatabase(db);
  }
}

describe('status and undeliverable channels', () => {
  it('status prints a channel whose Slack webhook answered 404 no_service as failed, with the error', async () => {
    await cycleWithStaleBackup();
    expect(slack.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);

    const r = await runCli(['--config', config, 'status']);

    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `notifications failed on dba-slack: 1 (last error: slack webhook (127.0.0.1:${slack.port}): 404 no_service)`,
    );
    expect(r.stdout).not.toContain('on oncall-mail');
    expect(r.stdout).not.toContain('sEcReT');
  });

  it('status --json stays the plain findings array when a channel has failed', async () => {
    await cycleWithStaleBackup();

    const r = await runCli(['--config', config, 'status', '--json']);

    const entries = JSON.parse(r.stdout) as { target: string; rule: string; state: string }[];
    expect(entries.find((e) => e.rule === 'recent-success')).toMatchObject({ target: 'orders-pg', state: 'alarm' });
  });
});
