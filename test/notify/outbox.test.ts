import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue } from '../../jobs/cycle.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { Db } from '../../src/db/client.js';
import { writeFinding } from '../../src/db/findings.js';
import { claimDue, dueChannels } from '../../src/db/outbox.js';
import { releaseOrphans, settle } from '../../src/notify/outbox.js';
import { notifiers } from '../../src/notify/registry.js';
import type { WebhookBody } from '../../src/notify/webhook.js';
import { alertItem, enqueueAlert } from '../helpers/alerts.js';
import { tempDatabase } from '../helpers/db.js';
import { startHttpSink } from '../helpers/http-sink.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

function enqueue(channel: string, createdAt = NOW, targetId = 't1'): void {
  enqueueAlert(db, channel, alertItem({ targetId, reason: 'r', since: createdAt, labels: {} }), createdAt);
}
/** A config whose only channel is a webhook at `url`, with groupWait 30s. */
const hookConfig = (url: string) =>
  loadConfigText(
    `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: orders-pg, account: ali, service: rds, instance: rm-1 }
channels:
  hook: { type: webhook, url: "${url}/alerts" }
alerting: { groupWait: 30s }
`,
    '/tmp/outbox.yaml',
    { env: {} },
  );
const statusOf = (id: number) =>
  db.$client.prepare(`SELECT status, attempts, next_attempt_at AS next, last_error AS err FROM notifications WHERE id = ?`).get(id) as {
    status: string;
    attempts: number;
    next: number;
    err: string | null;
  };

describe('notification outbox', () => {
  it('claimDue() gives each pending row to exactly one claimer', () => {
    enqueue('slack');
    enqueue('slack', NOW, 't2');
    enqueue('mail');
    const first = claimDue(db, 'slack', NOW, 'host:1', 60_000);
    const second = claimDue(db, 'slack', NOW, 'host:2', 60_000);
    expect(first.map((r) => r.item.targetId)).toEqual(['t1', 't2']);
    expect(second).toEqual([]);
  });

  it("keeps an item without what its row's columns say, and claims it whole", () => {
    const item = alertItem({ kind: 'reminder', targetId: 'orders-pg', ruleId: 'recent-success' });
    const w = { targetId: item.targetId, ruleId: item.ruleId, state: 'alarm', severity: 'critical', reason: item.reason } as const;
    writeFinding(db, undefined, {
      ...w,
      details: undefined,
      now: NOW,
      notify: [{ channel: 'hook', item }],
      firing: true,
      silencedBy: null,
    });
    const payload = JSON.parse(db.$client.prepare(`SELECT payload FROM notifications`).pluck().get() as string);
    expect(Object.keys(payload)).not.toContain('targetId');
    expect(claimDue(db, 'hook', NOW, 'host:1', 60_000).map((r) => r.item)).toEqual([item]);
  });

  it('dueChannels() holds a channel until its oldest row has waited groupWait', () => {
    enqueue('slack', NOW - 10_000);
    expect(dueChannels(db, NOW, 30_000)).toEqual([]);
    expect(dueChannels(db, NOW + 20_000, 30_000)).toEqual(['slack']);
    expect(dueChannels(db, NOW, 0)).toEqual(['slack']);
  });

  it('releaseOrphans() puts back rows claimed by a dead process on this host', () => {
    enqueue('slack');
    const [row] = claimDue(db, 'slack', NOW, `${hostname()}:999999`, 3_600_000);
    expect(releaseOrphans(db, NOW, () => true)).toBe(0);
    expect(releaseOrphans(db, NOW, () => false)).toBe(1);
    expect(statusOf(row!.id).status).toBe('pending');
  });

  it('releaseOrphans() puts back rows whose lease ran out', () => {
    enqueue('slack');
    const [row] = claimDue(db, 'slack', NOW, 'other-host:1', 60_000);
    expect(releaseOrphans(db, NOW + 30_000, () => true)).toBe(0);
    expect(releaseOrphans(db, NOW + 61_000, () => true)).toBe(1);
    expect(statusOf(row!.id).status).toBe('pending');
  });

  it('settle() schedules a transient failure for a later attempt with backoff and records the attempt', () => {
    enqueue('slack');
    const rows = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    expect(
      settle(
        db,
        rows,
        NOW,
        { ok: false, permanent: false, message: 'HTTP 500' },
        { maxAttempts: 5, baseMs: 30_000, maxMs: 600_000 },
        () => 0.5,
      ),
    ).toBe('retry');
    const s = statusOf(rows[0]!.id);
    expect(s).toMatchObject({ status: 'pending', attempts: 1, err: 'HTTP 500' });
    expect(s.next).toBe(NOW + 22_500);
    const attempts = db.$client.prepare(`SELECT outcome, error FROM notification_attempts`).all();
    expect(attempts).toEqual([{ outcome: 'retry', error: 'HTTP 500' }]);
  });

  it('settle() waits at least the Retry-After the far side asked for, when it is longer than the backoff', () => {
    enqueue('slack');
    enqueue('mail');
    const policy = { maxAttempts: 5, baseMs: 30_000, maxMs: 600_000 };
    const slack = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    settle(db, slack, NOW, { ok: false, permanent: false, message: '429', retryAfterMs: 120_000 }, policy, () => 1);
    expect(statusOf(slack[0]!.id).next).toBe(NOW + 120_000);
    const mail = claimDue(db, 'mail', NOW, 'h:1', 60_000);
    settle(db, mail, NOW, { ok: false, permanent: false, message: '429', retryAfterMs: 1_000 }, policy, () => 0.5);
    expect(statusOf(mail[0]!.id).next).toBe(NOW + 22_500);
  });

  it('settle() gives up at once on a permanent error and after maxAttempts on transient ones', () => {
    enqueue('slack');
    enqueue('mail');
    const slack = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    expect(settle(db, slack, NOW, { ok: false, permanent: true, message: '404 no_service' })).toBe('failed');
    expect(statusOf(slack[0]!.id).status).toBe('failed');
    let t = NOW;
    for (let i = 1; i <= 3; i++) {
      const mail = claimDue(db, 'mail', t, 'h:1', 60_000);
      expect(mail).toHaveLength(1);
      expect(settle(db, mail, t, { ok: false, permanent: false, message: 'down' }, { maxAttempts: 3, baseMs: 1000, maxMs: 1000 })).toBe(
        i < 3 ? 'retry' : 'failed',
      );
      t += 10_000;
    }
  });

  it("claimDue() holds a channel's newer rows while its oldest row is in backoff, then sends them together oldest first", () => {
    enqueue('slack', NOW, 'old');
    const first = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    settle(
      db,
      first,
      NOW,
      { ok: false, permanent: false, message: 'HTTP 500' },
      { maxAttempts: 5, baseMs: 60_000, maxMs: 60_000 },
      () => 1,
    );
    enqueue('slack', NOW + 1_000, 'new');
    enqueue('mail', NOW + 1_000, 'other');
    expect(dueChannels(db, NOW + 2_000, 0)).toEqual(['mail']);
    expect(claimDue(db, 'slack', NOW + 2_000, 'h:1', 60_000)).toEqual([]);
    expect(dueChannels(db, NOW + 60_000, 0)).toEqual(['slack', 'mail']);
    expect(claimDue(db, 'slack', NOW + 60_000, 'h:1', 60_000).map((r) => r.item.targetId)).toEqual(['old', 'new']);
  });

  it('claimDue() sends nothing newer of a channel while its oldest row is in flight, and a row failed for good holds nothing', () => {
    enqueue('slack', NOW, 'first');
    const first = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    enqueue('slack', NOW + 1_000, 'second');
    expect(dueChannels(db, NOW + 2_000, 0)).toEqual([]);
    expect(claimDue(db, 'slack', NOW + 2_000, 'h:2', 60_000)).toEqual([]);
    settle(db, first, NOW + 3_000, { ok: false, permanent: true, message: '404 no_service' });
    expect(dueChannels(db, NOW + 3_000, 0)).toEqual(['slack']);
    expect(claimDue(db, 'slack', NOW + 3_000, 'h:2', 60_000).map((r) => r.item.targetId)).toEqual(['second']);
  });

  it('settle() marks delivered rows sent', () => {
    enqueue('slack');
    const rows = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    expect(settle(db, rows, NOW + 5, { ok: true })).toBe('sent');
    expect(statusOf(rows[0]!.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(claimDue(db, 'slack', NOW + 10, 'h:1', 60_000)).toEqual([]);
  });

  it('deliverDue() sends a row created within groupWait of an earlier pending one in the same digest', async () => {
    const hook = await startHttpSink();
    try {
      const loaded = hookConfig(hook.url);
      const clock = manualClock(NOW);
      const deliver = () => deliverDue({ db, loaded, notifiers, clock, log: silentLogger, fetch: globalThis.fetch, timeoutMs: 2000 });
      enqueue('hook', NOW, 'orders-pg');
      enqueue('hook', NOW + 10_000, 'billing-db');

      clock.set(NOW + 29_000);
      expect(await deliver()).toEqual({ messages: 0, sent: 0, retry: 0, failed: 0 });
      clock.set(NOW + 30_000);
      expect(await deliver()).toEqual({ messages: 1, sent: 2, retry: 0, failed: 0 });

      expect(hook.requests).toHaveLength(1);
      const body = JSON.parse(hook.requests[0]!.body) as WebhookBody;
      expect(body.items.map((i) => i.target).sort()).toEqual(['billing-db', 'orders-pg']);
    } finally {
      await hook.close();
    }
  });

  it('deliverDue() holds a row created after the digest went for its own groupWait, then sends it alone', async () => {
    const hook = await startHttpSink();
    try {
      const loaded = hookConfig(hook.url);
      const clock = manualClock(NOW + 30_000);
      const deliver = () => deliverDue({ db, loaded, notifiers, clock, log: silentLogger, fetch: globalThis.fetch, timeoutMs: 2000 });
      enqueue('hook', NOW, 'orders-pg');
      await deliver();
      enqueue('hook', NOW + 40_000, 'billing-db');

      clock.set(NOW + 60_000);
      expect(await deliver()).toMatchObject({ messages: 0 });
      clock.set(NOW + 70_000);
      expect(await deliver()).toMatchObject({ messages: 1, sent: 1 });

      const targets = hook.requests.map((r) => (JSON.parse(r.body) as WebhookBody).items.map((i) => i.target));
      expect(targets).toEqual([['orders-pg'], ['billing-db']]);
    } finally {
      await hook.close();
    }
  });
});
