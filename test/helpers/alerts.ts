import { expect } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import type { Db } from '../../src/db/client.js';
import type { AlertItem } from '../../src/domain/alert.js';
import type { Digest, NotifyContext } from '../../src/notify/types.js';
import { rejectionOf } from './rejection.js';

/** The instant every notifier test runs "at". */
export const NOW = Date.parse('2026-03-02T08:00:00Z');

/** An alert item with sensible defaults: a critical `recent-success` alarm on `orders-pg`. */
export function alertItem(over: Partial<AlertItem> = {}): AlertItem {
  return {
    kind: 'firing',
    targetId: 'orders-pg',
    ruleId: 'recent-success',
    severity: 'critical',
    state: over.kind === 'resolved' ? 'ok' : 'alarm',
    reason: 'no completed backup ended within 24h',
    since: Date.parse('2026-03-02T06:30:00Z'),
    labels: { team: 'payments', env: 'prod' },
    ...over,
  };
}

export function digest(items: readonly AlertItem[], channel = 'test-channel'): Digest {
  return { channel, items, createdAt: NOW };
}

/** A context with literal secrets, the real fetch, no logging and a short timeout. */
export function notifyContext(over: Partial<NotifyContext> = {}): NotifyContext {
  return {
    clock: () => NOW,
    fetch: globalThis.fetch,
    log: silentLogger,
    secret: (ref, where) => {
      if (typeof ref === 'string') return ref;
      throw new Error(`${where}: only literal secrets in tests`);
    },
    timeoutMs: 2000,
    ...over,
  };
}

/** The error a send failed with, checked (with `expect`) to be a DeliveryError: a send that succeeds fails the test. */
export async function deliveryError(send: Promise<unknown>): Promise<DeliveryError> {
  const err = await rejectionOf(send);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

/** Puts `item` in the outbox of `db` for `channel` as the engine writes it: a firing row created, and first due, at `at`. */
export function enqueueAlert(db: Db, channel: string, item: AlertItem, at: number): void {
  db.$client
    .prepare(
      'INSERT INTO notifications (channel, kind, target_id, rule_id, payload, created_at, next_attempt_at) ' +
        `VALUES (?, 'firing', ?, ?, ?, ?, ?)`,
    )
    .run(channel, item.targetId, item.ruleId, JSON.stringify(item), at, at);
}
