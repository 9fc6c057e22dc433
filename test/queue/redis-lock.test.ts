import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { createRedis } from '../../src/queue/redis-connection.js';
import { RedisLock } from '../../src/queue/redis-lock.js';
import { useRedis } from '../helpers/use-redis.js';

const redis = useRedis();
const clients: Redis[] = [];
/** A lock on its own connection, as held by a separate process. */
const holder = () => {
  const client = createRedis(redis.url, { log: silentLogger, name: `lock-test-${clients.length}` });
  clients.push(client);
  return new RedisLock(client, { prefix: 'lock-test' });
};

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

describe('RedisLock', () => {
  it('refuses a target that another process is polling', async () => {
    const [a, b] = [holder(), holder()];

    const held = await a.tryAcquire('target:orders-pg', 5_000);
    const second = await b.tryAcquire('target:orders-pg', 5_000);

    expect(held).toBeTypeOf('function');
    expect(second).toBeNull();
  });

  it('lets another process take the target once released', async () => {
    const [a, b] = [holder(), holder()];
    const release = await a.tryAcquire('target:billing-mysql', 5_000);

    await release?.();

    expect(await b.tryAcquire('target:billing-mysql', 5_000)).toBeTypeOf('function');
  });

  it('frees the target by itself when its holder never releases it', async () => {
    const [a, b] = [holder(), holder()];
    await a.tryAcquire('target:crashed-holder', 100);

    await sleep(150);

    expect(await b.tryAcquire('target:crashed-holder', 5_000)).toBeTypeOf('function');
  });

  it('does not free a newer holder’s lock when a stale holder releases late', async () => {
    const [stale, current, third] = [holder(), holder(), holder()];
    const staleRelease = await stale.tryAcquire('target:slow-poll', 100);
    await sleep(150);
    await current.tryAcquire('target:slow-poll', 5_000);

    await staleRelease?.();

    expect(await third.tryAcquire('target:slow-poll', 5_000)).toBeNull();
  });
});
