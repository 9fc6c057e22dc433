import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { claimDue, dueChannels, releaseOrphans, settle } from '../../src/notify/outbox.js';
import { tempDatabase } from '../helpers/db.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

function enqueue(channel: string, createdAt = NOW, targetId = 't1'): void {
  const item = { kind: 'firing', targetId, ruleId: 'recent-success', severity: 'critical', state: 'alarm', reason: 'r', since: createdAt, labels: {} };
  db.$client
    .prepare(`INSERT INTO notifications (channel, kind, target_id, rule_id, payload, created_at, next_attempt_at) VALUES (?, 'firing', ?, 'recent-success', ?, ?, ?)`)
    .run(channel, targetId, JSON.stringify(item), createdAt, createdAt);
}
const statusOf = (id: number) => db.$client.prepare(`SELECT status, attempts, next_attempt_at AS next, last_error AS err FROM notifications WHERE id = ?`).get(id) as { status: string; attempts: number; next: number; err: string | null };

describe('notification outbox', () => {
  it('claimDue() gives each pending row to exactly one claimer', () => {
    enqueue('slack'); enqueue('slack', NOW, 't2'); enqueue('mail');
    const first = claimDue(db, 'slack', NOW, 'host:1', 60_000);
    const second = claimDue(db, 'slack', NOW, 'host:2', 60_000);
    expect(first.map((r) => r.item.targetId)).toEqual(['t1', 't2']);
    expect(second).toEqual([]);
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
    expect(settle(db, rows, NOW, { ok: false, permanent: false, error: new Error('HTTP 500') }, { maxAttempts: 5, baseMs: 30_000, maxMs: 600_000 }, () => 0.5)).toBe('retry');
    const s = statusOf(rows[0]!.id);
    expect(s).toMatchObject({ status: 'pending', attempts: 1, err: 'HTTP 500' });
    expect(s.next).toBe(NOW + 22_500);
    const attempts = db.$client.prepare(`SELECT outcome, error FROM notification_attempts`).all();
    expect(attempts).toEqual([{ outcome: 'retry', error: 'HTTP 500' }]);
  });

  it('settle() waits at least the Retry-After the far side asked for, when it is longer than the backoff', () => {
    enqueue('slack'); enqueue('mail');
    const policy = { maxAttempts: 5, baseMs: 30_000, maxMs: 600_000 };
    const slack = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    settle(db, slack, NOW, { ok: false, permanent: false, error: new Error('429'), retryAfterMs: 120_000 }, policy, () => 1);
    expect(statusOf(slack[0]!.id).next).toBe(NOW + 120_000);
    const mail = claimDue(db, 'mail', NOW, 'h:1', 60_000);
    settle(db, mail, NOW, { ok: false, permanent: false, error: new Error('429'), retryAfterMs: 1_000 }, policy, () => 0.5);
    expect(statusOf(mail[0]!.id).next).toBe(NOW + 22_500);
  });

  it('settle() gives up at once on a permanent error and after maxAttempts on transient ones', () => {
    enqueue('slack'); enqueue('mail');
    const slack = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    expect(settle(db, slack, NOW, { ok: false, permanent: true, error: new Error('404 no_service') })).toBe('failed');
    expect(statusOf(slack[0]!.id).status).toBe('failed');
    let t = NOW;
    for (let i = 1; i <= 3; i++) {
      const mail = claimDue(db, 'mail', t, 'h:1', 60_000);
      expect(mail).toHaveLength(1);
      expect(settle(db, mail, t, { ok: false, permanent: false, error: new Error('down') }, { maxAttempts: 3, baseMs: 1000, maxMs: 1000 })).toBe(i < 3 ? 'retry' : 'failed');
      t += 10_000;
    }
  });

  it('settle() marks delivered rows sent', () => {
    enqueue('slack');
    const rows = claimDue(db, 'slack', NOW, 'h:1', 60_000);
    expect(settle(db, rows, NOW + 5, { ok: true })).toBe('sent');
    expect(statusOf(rows[0]!.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(claimDue(db, 'slack', NOW + 10, 'h:1', 60_000)).toEqual([]);
  });
});
