import type { SimAccount, SimRateLimit } from './fleet.js';

interface Bucket {
  readonly limit: SimRateLimit;
  tokens: number;
  at: number;
}

/**
 * Token buckets per access key, refilled on the simulator's clock, so a test on a manual clock
 * decides when quota comes back (by advancing the clock in its `sleep`), and a standalone simulator
 * on the system clock behaves like the real quota. A changed limit starts a full bucket.
 */
export class AccountRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  /** Requests refused so far, per access key. */
  readonly refused: Record<string, number> = {};

  /** Takes one request from the account's quota: false when over it. Accounts without a limit always pass. */
  take(account: SimAccount, now: number): boolean {
    const limit = account.rateLimit;
    if (!limit) {
      this.#buckets.delete(account.accessKeyId);
      return true;
    }
    const burst = Math.max(1, limit.burst ?? limit.perSecond);
    let bucket = this.#buckets.get(account.accessKeyId);
    if (!bucket || bucket.limit.perSecond !== limit.perSecond || bucket.limit.burst !== limit.burst) {
      bucket = { limit, tokens: burst, at: now };
      this.#buckets.set(account.accessKeyId, bucket);
    }
    // A clock that went back (a test rewinding it) refills nothing rather than draining the bucket.
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) * limit.perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.refused[account.accessKeyId] = (this.refused[account.accessKeyId] ?? 0) + 1;
    return false;
  }
}
