import { silentLogger } from '../../src/core/log.js';
import type { AlertItem } from '../../src/domain/alert.js';
import type { Digest, NotifyContext } from '../../src/notify/types.js';

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
