import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/core/clock.js';
import { AuditorError } from '../../src/core/errors.js';
import { BullQueue } from '../../src/queue/bullmq.js';
import { EmbeddedQueue } from '../../src/queue/embedded.js';
import type { JobSpec, QueueBackend } from '../../src/queue/types.js';
import { useRedis } from '../helpers/use-redis.js';
import { until } from '../helpers/wait.js';

// One contract, every backend: what the daemon relies on must hold in-process and on Redis alike.

const payload = z.strictObject({ n: z.number().int() });
type Payload = z.infer<typeof payload>;
const spec = (attempts = 1, backoffMs = 50): JobSpec<Payload> => ({ name: 'poll', payload, retry: { attempts, backoffMs } });

/** Waits for `cond`, checking every 10 ms for at most 5 s. */
const waitUntil = (cond: () => boolean | Promise<boolean>) => until(cond, 5_000, 10);

const redis = useRedis();

const backends: { kind: string; make: () => QueueBackend }[] = [
  { kind: 'embedded', make: () => new EmbeddedQueue({}, systemClock) },
  // A fresh prefix per test: each test sees only its own queues, as with a random queue name.
  { kind: 'bullmq', make: () => new BullQueue({ url: redis.url, prefix: `conf-${randomUUID().slice(0, 8)}` }) },
];

describe.each(backends)('$kind queue backend', ({ make }) => {
  const open: QueueBackend[] = [];
  const backend = (): QueueBackend => {
    const q = make();
    open.push(q);
    return q;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close(1_000)));
  });

  it('runs a job once when two schedulers enqueue the same id, and only the first enqueue reports adding it', async () => {
    const q = backend();
    const runs: string[] = [];
    q.consume(spec(), async (_, meta) => void runs.push(meta.jobId), { concurrency: 2 });
    const id = 'poll:orders-pg:2024-05-06T10:30:00.000Z';

    const first = await Promise.all([q.enqueue(spec(), { n: 1 }, { jobId: id }), q.enqueue(spec(), { n: 1 }, { jobId: id })]);
    await waitUntil(() => runs.length === 1);
    const afterFinish = await q.enqueue(spec(), { n: 1 }, { jobId: id });
    await sleep(150);

    expect(first.filter(Boolean)).toHaveLength(1);
    expect(afterFinish).toBe(false);
    expect(runs).toEqual([id]);
  });

  it('retries a failing job with doubling backoff up to its attempts, then counts it failed', async () => {
    const q = backend();
    const calls: { attempt: number; at: number }[] = [];
    q.consume(
      spec(3, 50),
      async (_, meta) => {
        calls.push({ attempt: meta.attempt, at: Date.now() });
        throw new Error('provider timed out');
      },
      { concurrency: 1 },
    );

    await q.enqueue(spec(3, 50), { n: 1 });
    await waitUntil(async () => (await q.depth()).poll?.failed === 1);

    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    const [a, b, c] = calls.map((x) => x.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(45);
    expect(c - b).toBeGreaterThanOrEqual(95);
  });

  it('does not retry a job whose handler fails permanently', async () => {
    const q = backend();
    let calls = 0;
    q.consume(
      spec(3, 50),
      async () => {
        calls++;
        throw new AuditorError('auth', 'signature rejected', { permanent: true });
      },
      { concurrency: 1 },
    );

    await q.enqueue(spec(3, 50), { n: 1 });
    await waitUntil(async () => (await q.depth()).poll?.failed === 1);
    await sleep(200);

    expect(calls).toBe(1);
  });

  it('fails a job whose payload does not parse without calling the handler or retrying', async () => {
    const q = backend();
    let calls = 0;
    q.consume(spec(3, 50), async () => void calls++, { concurrency: 1 });

    await q.enqueue(spec(3, 50), { n: 'one' } as unknown as Payload);
    await waitUntil(async () => (await q.depth()).poll?.failed === 1);
    await sleep(200);

    expect(calls).toBe(0);
    expect((await q.depth()).poll).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 1 });
  });

  it('never runs more handlers at once than the concurrency allows', async () => {
    const q = backend();
    let running = 0;
    let most = 0;
    let done = 0;
    q.consume(
      spec(),
      async () => {
        most = Math.max(most, ++running);
        await sleep(60);
        running--;
        done++;
      },
      { concurrency: 2 },
    );

    for (let n = 0; n < 6; n++) await q.enqueue(spec(), { n });
    await waitUntil(() => done === 6);

    expect(most).toBe(2);
  });

  it('lets a running handler finish when closed with enough time', async () => {
    const q = backend();
    let started = false;
    let finished = false;
    q.consume(
      spec(),
      async () => {
        started = true;
        await sleep(300);
        finished = true;
      },
      { concurrency: 1 },
    );

    await q.enqueue(spec(), { n: 1 });
    await waitUntil(() => started);
    await q.close(2_000);

    expect(finished).toBe(true);
  });

  it('accepts the follow-up a running handler enqueues while the queue closes, and nothing once closed', async () => {
    const q = backend();
    const next: JobSpec<Payload> = { name: 'ingest', payload, retry: { attempts: 1, backoffMs: 0 } };
    let started = false;
    let handedOn: Promise<boolean> | undefined;
    q.consume(
      spec(),
      async () => {
        started = true;
        await sleep(300);
        handedOn = q.enqueue(next, { n: 2 }, { jobId: 'ingest:handed-on-while-closing' });
        await handedOn;
      },
      { concurrency: 1 },
    );

    await q.enqueue(spec(), { n: 1 });
    await waitUntil(() => started);
    await q.close(2_000);

    await expect(handedOn).resolves.toBe(true);
    await expect(q.enqueue(next, { n: 3 })).rejects.toThrow(/closed/);
  });

  it('reports waiting, running and delayed jobs in its depth', async () => {
    const q = backend();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    q.consume(
      spec(),
      async () => {
        started++;
        await gate;
      },
      { concurrency: 1 },
    );

    for (let n = 0; n < 3; n++) await q.enqueue(spec(), { n });
    await q.enqueue(spec(), { n: 9 }, { delayMs: 60_000 });
    await waitUntil(() => started === 1);
    const depth = await q.depth();
    release();

    expect(depth.poll).toEqual({ waiting: 2, active: 1, delayed: 1, failed: 0 });
  });
});
