import type { LoadedConfig } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import { DeliveryError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Registry } from '../core/registry.js';
import type { Db } from '../db/client.js';
import { claimDue, claimOwner, type DeliveryOutcome, dueChannels, type RetryPolicy, settle } from './outbox.js';
import type { Notifier, NotifyContext } from './types.js';

export interface DeliverDeps {
  readonly db: Db;
  readonly loaded: LoadedConfig;
  readonly notifiers: Registry<Notifier>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch: typeof fetch;
  readonly random?: () => number;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
}

export interface DeliverySummary {
  readonly messages: number;
  readonly sent: number;
  readonly retry: number;
  readonly failed: number;
}

/**
 * Sends what is due, one digest per channel: every claimed row of the channel goes out as one message.
 * `flush` ignores `groupWait` (run-once: the cycle is complete, nothing more will join the group).
 * A channel's failure is recorded on its rows and never stops the other channels; a transient one is
 * retried after backoff, and never before the channel's own Retry-After.
 */
export async function deliverDue(deps: DeliverDeps, opts: { flush?: boolean } = {}): Promise<DeliverySummary> {
  const { config } = deps.loaded;
  const owner = claimOwner();
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const ctx: NotifyContext = {
    clock: deps.clock,
    fetch: deps.fetch,
    log: deps.log,
    timeoutMs,
    secret: (ref, where) => deps.loaded.secret(ref, where),
  };
  const summary = { messages: 0, sent: 0, retry: 0, failed: 0 };
  for (const channel of dueChannels(deps.db, deps.clock(), opts.flush ? 0 : config.alerting.groupWait)) {
    const rows = claimDue(deps.db, channel, deps.clock(), owner, timeoutMs * 4);
    if (rows.length === 0) continue;
    summary.messages++;
    const cfg = config.channels[channel];
    let outcome: DeliveryOutcome;
    if (!cfg) {
      outcome = { ok: false, permanent: true, error: new Error(`channel "${channel}" is no longer configured`) };
    } else {
      try {
        await deps.notifiers.get(cfg.type).send({ channel, items: rows.map((r) => r.item), createdAt: deps.clock() }, cfg, channel, ctx);
        outcome = { ok: true };
      } catch (err) {
        const delivery = err instanceof DeliveryError ? err : undefined;
        outcome = { ok: false, permanent: delivery?.permanent ?? false, error: err, retryAfterMs: delivery?.retryAfterMs };
      }
    }
    const verdict = settle(deps.db, rows, deps.clock(), outcome, deps.retry, deps.random);
    summary[verdict] += rows.length;
    if (outcome.ok) deps.log.info({ channel, items: rows.length }, 'notification sent');
    else deps.log.warn({ channel, items: rows.length, verdict, error: errorMessage(outcome.error) }, 'notification not delivered');
  }
  return summary;
}
