import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../jobs/cycle.js';
import { type AppDeps, createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/client.js';
import { addSilence, expireSilence } from '../../src/db/silences.js';
import { tempDatabase } from '../helpers/db.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { completed, H, stubSource } from '../helpers/stub-source.js';

// The alerting engine over cycles with an injected clock: reminders, silences, regex routes and
// hostile provider text, with a real SQLite file, a real SMTP server and a real HTTP server as Slack.

const T0 = Date.parse('2026-11-20T12:00:00Z');
let db: Db;
let cleanupDb: () => void;
let slack: HttpSink;
let smtp: SmtpSink;
let clock: ReturnType<typeof manualClock>;
let stub: ReturnType<typeof stubSource>;

beforeEach(async () => {
  ({ db, cleanup: cleanupDb } = tempDatabase());
  slack = await startHttpSink();
  smtp = await startSmtpSink();
  clock = manualClock(T0);
  stub = stubSource();
});
afterEach(async () => {
  await Promise.all([slack.close(), smtp.close()]);
  cleanupDb();
});

/** Deps over both targets; `slackOptions` adds to the Slack channel's flow mapping (e.g. `sendResolved: false`). */
function deps(extraYaml = '', slackOptions = ''): AppDeps {
  const yaml = `
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: prod-db, account: ali, service: rds, instance: rm-prod, labels: { env: prod } }
  - { id: preprod-db, account: ali, service: rds, instance: rm-preprod, labels: { env: preprod } }
rules:
  retention: false
  size-anomaly: false
channels:
  slack: { type: slack, webhook: "${slack.url}/hook"${slackOptions ? `, ${slackOptions}` : ''} }
  mail: { type: email, smtp: "${smtp.url}", from: a@example.com, to: [dba@example.com] }
alerting: { repeatInterval: 24h }
${extraYaml}`;
  const loaded = loadConfigText(yaml, '/tmp/alerting-engine.yaml', { env: {} });
  return createDeps({ db, loaded, clock, sources: stub.sources });
}

const slackTexts = () => slack.requests.map((r) => r.body);

describe('alerting over cycles', () => {
  it('reminds every repeatInterval while a finding stays in alarm, and only then', async () => {
    stub.set('rm-prod', [completed('1', T0 - 30 * H)]);
    stub.set('rm-preprod', [completed('2', T0 - H)]);
    const d = deps();
    await runCycle(d);
    expect(slack.requests).toHaveLength(1);
    for (const h of [1, 6, 23]) {
      clock.set(T0 + h * H);
      stub.set('rm-preprod', [completed('2', T0 + h * H - H)]);
      await runCycle(d);
    }
    expect(slack.requests).toHaveLength(1);
    clock.set(T0 + 24 * H);
    stub.set('rm-preprod', [completed('2', T0 + 23 * H)]);
    await runCycle(d);
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1]!.body).toContain('STILL FIRING');
  });

  it('uses a route’s own repeatInterval and matches regex routes on the whole value', async () => {
    stub.set('rm-prod', [completed('1', T0 - 30 * H)]);
    stub.set('rm-preprod', [completed('2', T0 - 30 * H)]);
    const d = deps(`routes:
  - { matchRe: { env: "prod|staging" }, channels: [mail], repeatInterval: 2h }
  - { channels: [slack] }`);
    await runCycle(d);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.parsed.text).toContain('prod-db');
    expect(smtp.messages[0]!.parsed.text).not.toContain('preprod-db');
    expect(slackTexts().join()).toContain('preprod-db');
    clock.set(T0 + 2 * H);
    await runCycle(d);
    expect(smtp.messages).toHaveLength(2);
    expect(slack.requests).toHaveLength(1);
  });

  it('holds back notifications for a silenced finding, records it, and sends when the silence ends', async () => {
    stub.set('rm-prod', [completed('1', T0 - H)]);
    stub.set('rm-preprod', [completed('2', T0 - H)]);
    const d = deps();
    await runCycle(d);
    const s = addSilence(db, {
      matchers: { target: 'prod-db' },
      startsAt: T0,
      endsAt: T0 + 48 * H,
      reason: 'migration',
      author: 'test',
      now: T0,
    });
    clock.set(T0 + 30 * H);
    stub.set('rm-preprod', [completed('2', T0 + 29 * H)]);
    await runCycle(d);
    expect(slack.requests).toHaveLength(0);
    const row = db.$client
      .prepare(`SELECT state, silenced_by FROM findings WHERE target_id = 'prod-db' AND rule_id = 'recent-success'`)
      .get();
    expect(row).toEqual({ state: 'alarm', silenced_by: s.id });
    clock.set(T0 + 31 * H);
    expireSilence(db, s.id, clock());
    stub.set('rm-preprod', [completed('2', T0 + 30 * H)]);
    await runCycle(d);
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]!.body).toContain('prod-db');
  });

  it('sends a reminder when a silence ends over an alarm that had already fired', async () => {
    stub.set('rm-prod', [completed('1', T0 - 30 * H)]);
    stub.set('rm-preprod', [completed('2', T0 - H)]);
    const d = deps();
    await runCycle(d);
    expect(slack.requests).toHaveLength(1);
    const s = addSilence(db, {
      matchers: { rule: 'recent-success', labels: { env: 'prod' } },
      startsAt: T0 + H,
      endsAt: T0 + 3 * H,
      reason: 'restore test',
      author: null,
      now: T0,
    });
    clock.set(T0 + 2 * H);
    stub.set('rm-preprod', [completed('2', T0 + H)]);
    await runCycle(d);
    expect(slack.requests).toHaveLength(1);
    clock.set(T0 + 4 * H);
    stub.set('rm-preprod', [completed('2', T0 + 3 * H)]);
    await runCycle(d);
    expect(s.endsAt).toBeLessThan(clock());
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1]!.body).toContain('prod-db');
  });

  it('sends the resolved notice by email but not to a Slack channel with sendResolved: false', async () => {
    stub.set('rm-prod', [completed('1', T0 - 30 * H)]);
    stub.set('rm-preprod', [completed('2', T0 - H)]);
    const d = deps('', 'sendResolved: false');
    await runCycle(d);
    expect(slack.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);

    clock.set(T0 + H);
    stub.set('rm-prod', [completed('1', T0 - 30 * H), completed('3', T0 + H / 2)]);
    await runCycle(d);

    expect(slack.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]!.parsed.subject).toContain('resolved: 1');
    expect(smtp.messages[1]!.parsed.text).toMatch(/RESOLVED[\s\S]*prod-db/);
    const row = db.$client.prepare(`SELECT state, firing FROM findings WHERE target_id = 'prod-db' AND rule_id = 'recent-success'`).get();
    expect(row).toEqual({ state: 'ok', firing: 0 });
    expect(db.$client.prepare(`SELECT channel FROM notifications WHERE kind = 'resolved'`).pluck().all()).toEqual(['mail']);
  });

  it('delivers hostile backup names escaped in Slack and in the email HTML', async () => {
    stub.set('rm-prod', [
      completed('1', T0 - 2 * H),
      { ...completed('2', T0 - H), status: 'failed', rawStatus: 'Failed', name: '<script>alert(1)</script> <!channel> & "x"' },
    ]);
    stub.set('rm-preprod', [completed('2', T0 - H)]);
    await runCycle(deps());
    const body = slack.requests[0]!.body;
    expect(body).toContain('&lt;!channel&gt;');
    expect(body).not.toContain('<!channel>');
    expect(body).not.toContain('<script>');
    const html = String(smtp.messages[0]!.parsed.html);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });
});
