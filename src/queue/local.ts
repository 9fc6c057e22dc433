import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../core/clock.js';
import type { KeyedLock, RateLimiter } from './types.js';

/**
 * An in-process rate limiter (GCRA: each request reserves the next free slot of 1/perSecond), for
 * the embedded mode. Fair in arrival order; no bursts beyond one request.
 */
export class LocalRateLimiter implements RateLimiter {
  readonly #next = new Map<string, number>();
  constructor(
    private readonly now: Clock,
    private readonly sleep: (ms: number) => Promise<unknown> = delay,
  ) {}

  async acquire(key: string, perSecond: number): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.#next.get(key) ?? now);
    this.#next.set(key, slot + 1000 / perSecond);
    if (slot > now) await this.sleep(slot - now);
  }
}

/** In-process keyed lock with expiry, for the embedded mode. */
export class LocalLock implements KeyedLock {
  readonly #held = new Map<string, { token: string; until: number }>();
  #seq = 0;
  constructor(private readonly now: Clock) {}

  async tryAcquire(key: string, ttlMs: number, holder?: string): Promise<(() => Promise<void>) | null> {
    const held = this.#held.get(key);
    if (held && held.until > this.now() && held.token !== holder) return null;
    const token = holder ?? `local:${++this.#seq}`;
    this.#held.set(key, { token, until: this.now() + ttlMs });
    return async () => {
      if (this.#held.get(key)?.token === token) this.#held.delete(key);
    };
  }
}
