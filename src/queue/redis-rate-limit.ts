import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RateLimiter } from './types.js';

/**
 * GCRA with a burst of one, as one atomic step: the key holds the "theoretical arrival time" (TAT) of
 * the next free slot in microseconds; a caller reserves max(now, TAT), moves TAT one interval on, and
 * is told how long to wait for its slot. The clock is Redis's own `TIME`, not the caller's, so workers
 * on machines with skewed clocks still share one timeline. The key expires a second after its last
 * reserved slot, when forgetting it changes nothing. Microseconds keep intervals such as 1/3 s exact
 * enough; `%.0f` keeps them integral, since Lua would print a 16-digit number in exponent form.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + tonumber(ARGV[1])
local ttlMs = math.ceil((nextTat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', ttlMs)
return string.format('%.0f', tat - now)
`;

/**
 * The rate limiter of the scale-out mode: one timeline per key (a provider account) in Redis, shared
 * by every worker process on every machine, so `perSecond` holds for all of them together. N requests
 * at rate r take at least (N-1)/r seconds however many clients make them. Fair in arrival order; no
 * bursts beyond one request. While Redis is unreachable `acquire` waits for it (the connection queues
 * commands until it is back) rather than letting requests through unlimited.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    opts: { prefix?: string } = {},
    private readonly sleep: (ms: number) => Promise<unknown> = delay,
  ) {
    this.#prefix = `${opts.prefix ?? 'backup-auditor'}:rate:`;
  }

  async acquire(key: string, perSecond: number): Promise<void> {
    if (!(perSecond > 0) || !Number.isFinite(perSecond))
      throw new RangeError(`rate limit for ${key} must be a positive number per second, got ${perSecond}`);
    const intervalUs = Math.ceil(1_000_000 / perSecond);
    const reply = await this.redis.eval(RESERVE_SLOT, 1, this.#prefix + key, intervalUs);
    const waitMs = Math.ceil(Number(reply) / 1000);
    if (waitMs > 0) await this.sleep(waitMs);
  }
}
