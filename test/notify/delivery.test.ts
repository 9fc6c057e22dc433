import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliverDeps, deliverDue } from '../../jobs/cycle.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { Db } from '../../src/db/client.js';
import { notifiers } from '../../src/notify/registry.js';
import { alertItem, enqueueAlert } from '../helpers/alerts.js';
import { tempDatabase } from '../helpers/db.js';
import { type HttpSink, type SinkAnswer, startHttpSink } from '../helpers/http-sink.js';
import { closedPort } from '../helpers/ports.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const NOW = Date.parse('2026-03-02T08:00:00Z');
const TOKEN_PATH = '/services/T0001/B0002/sEcReTtOkEn0123456789';
const SEC = 1000;

let db: Db;
let cleanupDb: () => void;
const closers: (() => Promise<void>)[] = [];
beforeEach(() => ({ db, cleanup: cleanupDb } = tempDatabase()));
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  cleanupDb();
});

async function smtpSink(port?: number): Promise<SmtpSink> {
  const sink = await startSmtpSink(port === undefined ? {} : { port });
  closers.push(() => sink.close());
  return sink;
}

async function slackSink(answers: SinkAnswer[]): Promise<HttpSink> {
  const sink = await startHttpSink(answers);
  closers.push(() => sink.close());
  return sink;
}

/** A valid config with the given channels (YAML flow mappings), groupWait 30s. */
function config(channels: Record<string, string>): DeliverDeps['loaded'] {
  const lines = Object.entries(channels).map(([name, body]) => `  ${name}: ${body}`);
  const text = `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: AKID, accessKeySecret: AKSECRET }
targets:
  - { id: orders-pg, account: ali, service: rds, instance: rm-1 }
channels:
${lines.join('\n')}
alerting: { groupWait: 30s }
`;
  return loadConfigText(text, '/etc/backup-auditor/config.yaml');
}

const emailTo = (port: number, to: string): string =>
  `{ type: email, smtp: "smtp://127.0.0.1:${port}", from: backup-auditor@example.com, to: [${to}] }`;
const slackAt = (sink: HttpSink): string => `{ type: slack, webhook: "${sink.url}${TOKEN_PATH}" }`;

/** An outbox row as the engine writes it: created (and first due) at `createdAt`. */
function enqueue(channel: string, targetId: string, createdAt: number): void {
  enqueueAlert(db, channel, alertItem({ targetId, since: createdAt }), createdAt);
}

interface Row {
  target: string;
  status: string;
  attempts: number;
  next: number;
  error: string | null;
}
const rows = (channel: string): Row[] =>
  db.$client
    .prepare(
      'SELECT target_id AS target, status, attempts, next_attempt_at AS next, last_error AS error ' +
        'FROM notifications WHERE channel = ? ORDER BY id',
    )
    .all(channel) as Row[];
const attemptLog = (channel: string): { outcome: string; error: string | null }[] =>
  db.$client.prepare(`SELECT outcome, error FROM notification_attempts WHERE channel = ? ORDER BY id`).all(channel) as {
    outcome: string;
    error: string | null;
  }[];

function deps(loaded: DeliverDeps['loaded'], clock: DeliverDeps['clock'], random = (): number => 0.5): DeliverDeps {
  return { db, loaded, notifiers, clock, log: silentLogger, fetch: globalThis.fetch, random, timeoutMs: 2000 };
}

describe('delivering the outbox through real channels', () => {
  it('keeps mail pending with backoff while the SMTP server is down, then delivers everything once, oldest channel first', async () => {
    const port = await closedPort();
    const loaded = config({ 'oncall-mail': emailTo(port, 'oncall@example.com'), 'dba-mail': emailTo(port, 'dba@example.com') });
    const clock = manualClock(NOW);
    enqueue('oncall-mail', 'a-db', NOW - 120 * SEC);
    enqueue('dba-mail', 'c-db', NOW - 90 * SEC);
    enqueue('oncall-mail', 'b-db', NOW - 60 * SEC);

    expect(await deliverDue(deps(loaded, clock))).toEqual({ messages: 2, sent: 0, retry: 3, failed: 0 });
    for (const r of [...rows('oncall-mail'), ...rows('dba-mail')]) {
      expect(r).toMatchObject({ status: 'pending', attempts: 1, next: NOW + 22.5 * SEC });
      expect(r.error).toMatch(new RegExp(`^email via 127\\.0\\.0\\.1:${port}: `));
    }

    // Still down a minute later; an alert raised meanwhile joins the queue.
    enqueue('oncall-mail', 'd-db', NOW + 10 * SEC);
    clock.set(NOW + 60 * SEC);
    expect(await deliverDue(deps(loaded, clock))).toMatchObject({ messages: 2, sent: 0, retry: 4 });
    expect(rows('oncall-mail').map((r) => [r.target, r.attempts])).toEqual([
      ['a-db', 2],
      ['b-db', 2],
      ['d-db', 1],
    ]);
    expect(attemptLog('oncall-mail').map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);

    const sink = await smtpSink(port);
    clock.set(NOW + 120 * SEC);
    expect(await deliverDue(deps(loaded, clock))).toEqual({ messages: 2, sent: 4, retry: 0, failed: 0 });
    clock.set(NOW + 3_600 * SEC);
    expect(await deliverDue(deps(loaded, clock))).toEqual({ messages: 0, sent: 0, retry: 0, failed: 0 });

    expect(sink.messages.map((m) => m.envelope.to)).toEqual([['oncall@example.com'], ['dba@example.com']]);
    const texts = sink.messages.map((m) => m.parsed.text ?? '');
    for (const target of ['a-db', 'b-db', 'c-db', 'd-db']) expect(texts.join('\n').split(`${target} /`)).toHaveLength(2);
    expect(texts[0]).toMatch(/a-db[\s\S]*b-db[\s\S]*d-db/);
    expect([...rows('oncall-mail'), ...rows('dba-mail')].every((r) => r.status === 'sent')).toBe(true);
  });

  it('retries Slack through a 500 and a 429, honouring the backoff, and delivers once it answers ok', async () => {
    const sink = await slackSink([
      { status: 500, body: 'internal_error' },
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } },
    ]);
    const loaded = config({ 'db-slack': slackAt(sink) });
    const clock = manualClock(NOW);
    enqueue('db-slack', 'orders-pg', NOW - 60 * SEC);

    await deliverDue(deps(loaded, clock));
    clock.set(NOW + 20 * SEC);
    await deliverDue(deps(loaded, clock));
    expect(sink.requests).toHaveLength(1);
    clock.set(NOW + 30 * SEC);
    await deliverDue(deps(loaded, clock));
    // The 429 asked for 1 s; the second backoff (45 s with this jitter) is longer and wins.
    expect(rows('db-slack')[0]).toMatchObject({ status: 'pending', attempts: 2, next: NOW + 75 * SEC });
    clock.set(NOW + 80 * SEC);
    expect(await deliverDue(deps(loaded, clock))).toMatchObject({ sent: 1 });
    clock.set(NOW + 3_600 * SEC);
    await deliverDue(deps(loaded, clock));

    expect(sink.requests).toHaveLength(3);
    expect(rows('db-slack')[0]).toMatchObject({ status: 'sent', attempts: 3, error: null });
    expect(attemptLog('db-slack').map((a) => a.outcome)).toEqual(['retry', 'retry', 'sent']);
    expect(attemptLog('db-slack')[1]?.error).toContain('throttled (429 rate_limited)');
  });

  it('waits out a Slack 429 Retry-After that is longer than the backoff', async () => {
    const sink = await slackSink([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '120' } }]);
    const loaded = config({ 'db-slack': slackAt(sink) });
    const clock = manualClock(NOW);
    enqueue('db-slack', 'orders-pg', NOW - 60 * SEC);

    await deliverDue(deps(loaded, clock, () => 1));
    expect(rows('db-slack')[0]?.next).toBeGreaterThanOrEqual(NOW + 120 * SEC);
    clock.set(NOW + 119 * SEC);
    await deliverDue(deps(loaded, clock));
    expect(sink.requests).toHaveLength(1);
    clock.set(NOW + 121 * SEC);
    await deliverDue(deps(loaded, clock));
    expect(sink.requests).toHaveLength(2);
    expect(rows('db-slack')[0]?.status).toBe('sent');
  });

  it('records a permanently broken Slack channel as failed and still delivers the email channel in the same round', async () => {
    const slack = await slackSink([{ status: 404, body: 'no_service' }]);
    const mail = await smtpSink();
    const loaded = config({ 'db-slack': slackAt(slack), 'oncall-mail': emailTo(mail.port, 'oncall@example.com') });
    const clock = manualClock(NOW);
    enqueue('db-slack', 'orders-pg', NOW - 120 * SEC);
    enqueue('db-slack', 'billing-db', NOW - 110 * SEC);
    enqueue('oncall-mail', 'orders-pg', NOW - 100 * SEC);

    expect(await deliverDue(deps(loaded, clock))).toEqual({ messages: 2, sent: 1, retry: 0, failed: 2 });

    const error = `slack webhook (127.0.0.1:${slack.port}): 404 no_service`;
    expect(rows('db-slack')).toMatchObject([
      { status: 'failed', attempts: 1, error },
      { status: 'failed', attempts: 1, error },
    ]);
    expect(attemptLog('db-slack')).toEqual([
      { outcome: 'failed', error },
      { outcome: 'failed', error },
    ]);
    expect(rows('oncall-mail')[0]?.status).toBe('sent');
    expect(mail.messages).toHaveLength(1);
    expect(mail.messages[0]?.parsed.text).toContain('orders-pg');

    clock.set(NOW + 86_400 * SEC);
    await deliverDue(deps(loaded, clock));
    expect(slack.requests).toHaveLength(1);
  });
});
