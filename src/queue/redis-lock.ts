import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { KeyedLock } from './types.js';

/** Deletes the lock only while it still carries the caller's token: one atomic compare-and-delete. */
const RELEASE_IF_OWNED = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** Takes the key if it is free, or renews it if the same holder (a retried job) already has it. */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/**
 * The keyed lock of the scale-out mode (one Redis key per locked target), shared by every process on
 * the same Redis. Taken with `SET NX PX`, so it expires after `ttlMs` if its holder dies. Each holder
 * gets a random token and releasing deletes the key only if that token is still there: a holder whose
 * lock expired and was taken by someone else cannot free the newcomer's lock. Choose `ttlMs` longer
 * than the work it guards; this lock is not renewed. While Redis is unreachable `tryAcquire` waits for
 * it to come back (the connection queues commands), so nobody polls without the lock meanwhile.
 */
export class RedisLock implements KeyedLock {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    opts: { prefix?: string } = {},
  ) {
    this.#prefix = `${opts.prefix ?? 'backup-auditor'}:lock:`;
  }

  async tryAcquire(key: string, ttlMs: number, holder?: string): Promise<(() => Promise<void>) | null> {
    const redisKey = this.#prefix + key;
    const token = holder ?? randomUUID();
    const taken = await this.redis.eval(ACQUIRE, 1, redisKey, token, Math.max(1, Math.ceil(ttlMs)));
    if (taken !== 1) return null;
    return async () => {
      await this.redis.eval(RELEASE_IF_OWNED, 1, redisKey, token);
    };
  }
}
