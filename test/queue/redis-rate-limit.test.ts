import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { createRedis } from '../../src/queue/redis-connection.js';
import { RedisRateLimiter } from '../../src/queue/redis-rate-limit.js';
import { useRedis } from '../helpers/use-redis.js';

const redis = useRedis();
const clients: Redis[] = [];
/** A limiter on its own connection, as in a separate worker process. */
const worker = (prefix: string) => {
  const client = createRedis(redis.url, { log: silentLogger, name: `rate-test-${clients.length}` });
  clients.push(client);
  return new RedisRateLimiter(client, { prefix });
};

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

async function timed(work: Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work;
  return performance.now() - start;
}

describe('RedisRateLimiter', () => {
  it('holds one rate for an account across two workers', async () => {
    const [a, b] = [worker('shared'), worker('shared')];
    const burst = (l: RedisRateLimiter) => Array.from({ length: 20 }, () => l.acquire('acct:ali-prod', 20));

    const ms = await timed(Promise.all([...burst(a), ...burst(b)]));

    // 40 requests at 20/s: the last may go 39/20 s after the first.
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThanOrEqual(2_600);
  });

  it('does not let one account slow down another', async () => {
    const [a, b] = [worker('separate'), worker('separate')];

    const ms = await timed(
      Promise.all([
        ...Array.from({ length: 20 }, () => a.acquire('acct:uc-prod', 20)),
        ...Array.from({ length: 20 }, () => b.acquire('acct:otc-prod', 20)),
      ]),
    );

    // Each account alone needs 19/20 s; sharing one timeline would need 39/20 s.
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(1_400);
  });

  it('tells each caller to wait for the next free slot', async () => {
    const client = createRedis(redis.url, { log: silentLogger, name: 'rate-test-sleep' });
    clients.push(client);
    const waits: number[] = [];
    const limiter = new RedisRateLimiter(client, { prefix: 'sleep' }, async (ms) => void waits.push(ms));

    for (let i = 0; i < 3; i++) await limiter.acquire('acct:huawei', 10);

    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThan(80);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThan(180);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });
});
