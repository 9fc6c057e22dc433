import { expect, it } from 'vitest';
import { z } from 'zod';
import { EmbeddedQueue } from '../../src/queue/embedded.js';
import type { JobSpec } from '../../src/queue/types.js';

const spec: JobSpec<{ n: number }> = { name: 'poll', payload: z.strictObject({ n: z.number() }), retry: { attempts: 1, backoffMs: 10 } };

it('EmbeddedQueue starts due jobs by due time, and in enqueue order among jobs due at the same time', async () => {
  let now = 1_000;
  const q = new EmbeddedQueue({}, () => now);
  const ran: number[] = [];
  // Enqueued before any consumer, with due times out of order and ties.
  const due = [30, 0, 20, 0, 30, 10, 0, 20];
  for (const [n, delayMs] of due.entries()) await q.enqueue(spec, { n }, { delayMs });
  now += 30;
  q.consume(spec, async ({ n }) => void ran.push(n), { concurrency: 1 });
  for (let i = 0; i < 50 && ran.length < due.length; i++) await new Promise((r) => setTimeout(r, 5));
  // delay 0: jobs 1, 3, 6; 10: 5; 20: 2, 7; 30: 0, 4.
  expect(ran).toEqual([1, 3, 6, 5, 2, 7, 0, 4]);
  await q.close(100);
});

it('EmbeddedQueue keeps the ids of finished jobs taken for the newest `count` of a queue, within `ageMs`', async () => {
  let now = 1_000;
  const q = new EmbeddedQueue({ keepFinished: { ageMs: 60_000, count: 2 } }, () => now);
  let done = 0;
  q.consume(spec, async () => void done++, { concurrency: 1 });
  for (const id of ['a', 'b', 'c']) await q.enqueue(spec, { n: 0 }, { jobId: id });
  for (let i = 0; i < 50 && done < 3; i++) await new Promise((r) => setTimeout(r, 5));
  // A waiting job's id is taken however many jobs finished.
  await q.enqueue(spec, { n: 0 }, { delayMs: 120_000, jobId: 'later' });

  const again = async () => Promise.all(['a', 'b', 'c', 'later'].map((id) => q.enqueue(spec, { n: 1 }, { jobId: id, delayMs: 120_000 })));
  expect(await again()).toEqual([true, false, false, false]);
  now += 60_001;
  // `a` is waiting again; `b` and `c` finished more than ageMs ago.
  expect(await again()).toEqual([false, true, true, false]);
  await q.close(100);
});
