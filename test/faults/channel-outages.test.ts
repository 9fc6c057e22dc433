import { afterEach, describe, expect, it } from 'vitest';
import { type DeliverDeps, deliverDue } from '../../jobs/cycle.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { notifiers } from '../../src/notify/registry.js';
import { mulberry32 } from '../../src/simulator/index.js';
import { alertItem, enqueueAlert } from '../helpers/alerts.js';
import { tempDatabase } from '../helpers/db.js';
import { type SinkAnswer, startHttpSink } from '../helpers/http-sink.js';
import { closedPort } from '../helpers/ports.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { IN_FAULTS_SUITE, record, SEED, scaled } from './support.js';

// Channels down for a long while: the SMTP relay unreachable for a simulated hour, Slack answering
// 500s and then 429s. Alerts keep arriving meanwhile; once the channels recover everything goes
// out, each channel in the order its alerts were raised. The clock is simulated, the servers are real.

const NOW = Date.parse('2026-03-02T08:00:00Z');
const MIN = 60_000;
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Outcome {
  raised: Record<string, string[]>;
  mail: string[][];
  slack: string[][];
  pending: number;
  failedAttempts: number;
  n: number;
}

/** Runs three simulated hours of delivery rounds through the outage; returns what each channel received, digest by digest. */
async function outage(): Promise<Outcome> {
  const random = mulberry32(SEED);
  const smtpPort = await closedPort();
  // Slack fails for the first simulated hour: 500s for half an hour, then 429s asking for a minute.
  let minute = 0;
  let slackFailures = 0;
  const slack = await startHttpSink([], (): SinkAnswer => {
    if (minute >= 60) return {};
    slackFailures++;
    return minute < 30 ? { status: 500, body: 'internal_error' } : { status: 429, body: 'rate_limited', headers: { 'retry-after': '60' } };
  });
  closers.push(() => slack.close());
  const { db, cleanup } = tempDatabase();
  closers.push(cleanup);
  const loaded = loadConfigText(
    `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: AKID, accessKeySecret: SECRET }
targets:
  - { id: a-db, account: ali, service: rds, instance: rm-1 }
channels:
  mail: { type: email, smtp: "smtp://127.0.0.1:${smtpPort}", from: auditor@example.com, to: [dba@example.com] }
  slack: { type: slack, webhook: "${slack.url}/services/T/B/outage" }
alerting: { groupWait: 30s }
`,
    '/etc/backup-auditor/config.yaml',
  );
  const clock = manualClock(NOW);
  const deps: DeliverDeps = { db, loaded, notifiers, clock, log: silentLogger, fetch: globalThis.fetch, random, timeoutMs: 1_000 };

  // Alerts are raised all through the outage; each has a unique target so order can be read back.
  const raised: Record<string, string[]> = { mail: [], slack: [] };
  let n = 0;
  const raise = (): void => {
    for (const channel of ['mail', 'slack'] as const) {
      const targetId = `db-${String(++n).padStart(4, '0')}`;
      enqueueAlert(db, channel, alertItem({ targetId, since: clock() }), clock());
      raised[channel]?.push(targetId);
    }
  };

  let smtp: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
  let failedAttempts = 0;
  // Three simulated hours, a delivery round each simulated minute (the daemon's loop does it every few seconds).
  for (minute = 0; minute < 180; minute++) {
    clock.set(NOW + minute * MIN);
    if (minute < 90 && random() < 0.3) for (let k = scaled(1); k > 0; k--) raise(); // FAULTS_SCALE: more alerts per burst
    if (minute === 60) {
      smtp = await startSmtpSink({ port: smtpPort });
      closers.push(() => smtp?.close());
    }
    const s = await deliverDue(deps);
    failedAttempts += s.retry;
    expect(s.failed).toBe(0);
  }
  const received = smtp?.messages ?? [];
  const pending = db.$client.prepare(`SELECT COUNT(*) FROM notifications WHERE status != 'sent'`).pluck().get() as number;
  const mail = received.map((m) => [...(m.parsed.text ?? '').matchAll(/\b(db-\d{4}) \//g)].map((x) => x[1] as string));
  const slackDigests = slack.requests
    .slice(slackFailures)
    .map((r) => [...(JSON.parse(r.body) as { text: string }).text.matchAll(/• \S+ \S+ (db-\d{4}) \//g)].map((x) => x[1] as string));
  return { raised, mail, slack: slackDigests, pending, failedAttempts, n };
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe.runIf(IN_FAULTS_SUITE)('channel outages', () => {
  it('delivers every alert exactly once after SMTP is down for an hour and Slack answers 500s then 429s', async () => {
    const started = Date.now();
    const o = await outage();
    const delivered = [...o.mail.flat(), ...o.slack.flat()];
    record({
      area: 'channel outages (SMTP 1 h, Slack 500/429)',
      alarmsExpected: o.n,
      alarmsDelivered: new Set(delivered).size,
      alarmsDuplicated: delivered.length - new Set(delivered).size,
      faultsInjected: o.failedAttempts,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(o.n).toBeGreaterThan(10);
    expect(o.pending).toBe(0);
    expect(sorted(o.mail.flat())).toEqual(sorted(o.raised.mail ?? []));
    expect(sorted(o.slack.flat())).toEqual(sorted(o.raised.slack ?? []));
    // Within one message, alerts read oldest first (they are ordered by target id, here raise order).
    for (const d of [...o.mail, ...o.slack]) expect(d).toEqual(sorted(d));
  });

  // A channel's backoff is its oldest pending row's: rows raised late in the outage (short backoff)
  // wait behind the old ones (long backoff) instead of reaching the channel first.
  it("delivers, across messages, each channel's alerts in the order they were raised", async () => {
    const o = await outage();
    expect(o.mail.flat()).toEqual(o.raised.mail);
    expect(o.slack.flat()).toEqual(o.raised.slack);
  });
});
