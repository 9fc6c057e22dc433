import type { LoadedConfig } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { HttpTransport } from './transport.js';
import type { ProviderContext } from './types.js';

/** What calling a provider needs: polls and discovery both build their ProviderContext from these. */
export interface ProviderDeps {
  readonly loaded: LoadedConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** Provider calls go through `http`; without it, through `fetch`. */
  readonly fetch: typeof fetch;
  readonly http?: HttpTransport | undefined;
  /** Waits on `clock`'s time (rate limits, retry backoff): beside a `manualClock`, its own `sleep`. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Per-request timeout, ms. */
  readonly timeoutMs: number;
}

/** The context one poll or one discovery hands its adapter: secrets read at the moment of use, logs bound to `bindings`. */
export function providerContext(deps: ProviderDeps, bindings: Record<string, string>, throttle?: () => Promise<void>): ProviderContext {
  return {
    clock: deps.clock,
    fetch: deps.fetch,
    http: deps.http,
    log: deps.log.child(bindings),
    sleep: deps.sleep,
    random: deps.random,
    timeoutMs: deps.timeoutMs,
    secret: (ref, where) => deps.loaded.secret(ref, where),
    ...(throttle && { throttle }),
  };
}
