import type { LoadedConfig } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import { DeliveryError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Registry } from '../core/registry.js';
import type { Digest, Notifier } from './types.js';

/** A delivery outcome that can cross a queue: the error reduced to its message. */
export type SentOutcome = { ok: true } | { ok: false; permanent: boolean; message: string; retryAfterMs?: number | undefined };

export interface SendDeps {
  readonly loaded: LoadedConfig;
  readonly notifiers: Registry<Notifier>;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly log: Logger;
  readonly timeoutMs: number;
}

/**
 * Sends one digest over one configured channel and says how it went; never throws. Runs wherever the
 * channel's secrets are (the owner, or any worker with the same config): the digest carries no secret.
 */
export async function sendDigest(deps: SendDeps, digest: Digest): Promise<SentOutcome> {
  const cfg = deps.loaded.config.channels[digest.channel];
  if (!cfg) return { ok: false, permanent: true, message: `channel "${digest.channel}" is no longer configured` };
  try {
    await deps.notifiers.get(cfg.type).send(digest, cfg, digest.channel, {
      clock: deps.clock,
      fetch: deps.fetch,
      log: deps.log,
      timeoutMs: deps.timeoutMs,
      secret: (ref, where) => deps.loaded.secret(ref, where),
    });
    return { ok: true };
  } catch (err) {
    const d = err instanceof DeliveryError ? err : undefined;
    return {
      ok: false,
      permanent: d?.permanent ?? false,
      message: errorMessage(err),
      ...(d?.retryAfterMs !== undefined && { retryAfterMs: d.retryAfterMs }),
    };
  }
}
