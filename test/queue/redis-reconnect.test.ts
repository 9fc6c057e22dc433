import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BullQueue } from '../../src/queue/bullmq.js';
import type { JobSpec } from '../../src/queue/types.js';
import { useRedis } from '../helpers/use-redis.js';
import { until } from '../helpers/wait.js';

const spec: JobSpec<{ n: number }> = { name: 'poll', payload: z.strictObject({ n: z.number() }), retry: { attempts: 1, backoffMs: 0 } };

const redis = useRedis();

describe('BullQueue across a Redis restart', () => {
  it('reports Redis down while it is away, and runs a job enqueued during the outage once it is back', async () => {
    const q = new BullQueue({ url: redis.url, prefix: `restart-${randomUUID().slice(0, 8)}`, pingTimeoutMs: 200 });
    try {
      const seen: number[] = [];
      q.consume(spec, async ({ n }) => void seen.push(n), { concurrency: 1 });
      await q.enqueue(spec, { n: 1 });
      await until(() => seen.length === 1, 5_000);

      await redis.stop();
      const pingWhileDown = await q.ping();
      // A scheduler tick during the outage: the enqueue waits for Redis instead of failing.
      const enqueuedDuringOutage = q.enqueue(spec, { n: 2 }, { jobId: 'poll:orders-pg:2024-05-06T11:00:00.000Z' });
      await sleep(300);
      await redis.restart();

      expect(await enqueuedDuringOutage).toBe(true);
      await until(() => seen.length === 2, 10_000);
      expect(pingWhileDown).toBe(false);
      expect(await q.ping()).toBe(true);
      expect(seen).toEqual([1, 2]);
    } finally {
      await q.close(500);
    }
  });
});
