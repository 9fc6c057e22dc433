import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { BullQueue } from '../../src/queue/bullmq.js';
import type { JobMeta } from '../../src/queue/types.js';
import { FAST_RECOVERY, pollSpec } from '../fixtures/queue-worker.js';
import { useRedis } from '../helpers/use-redis.js';
import { until } from '../helpers/wait.js';

const WORKER = fileURLToPath(new URL('../fixtures/queue-worker.ts', import.meta.url));
const JOB_ID = 'poll:orders-pg:2024-05-06T10:30:00.000Z';

const redis = useRedis();

const open: BullQueue[] = [];
const bull = (prefix: string, fast = true): BullQueue => {
  const q = new BullQueue({ url: redis.url, prefix, ...(fast && FAST_RECOVERY) });
  open.push(q);
  return q;
};
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(open.splice(0).map((q) => q.close(500)));
});

/** Job counts as BullMQ itself sees them, independent of the backend under test. */
async function counts(prefix: string): Promise<Record<string, number>> {
  const raw = new Queue('poll', { connection: { host: '127.0.0.1', port: redis.port }, prefix });
  try {
    return await raw.getJobCounts('wait', 'active', 'completed', 'failed');
  } finally {
    await raw.close();
  }
}

describe('BullMQ stalled-job recovery', () => {
  it('completes a job exactly once on another worker after its first worker is killed mid-job', async () => {
    const prefix = `stall-${randomUUID().slice(0, 8)}`;
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, redis.url, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout });
    const started = new Promise<string>((resolve) => lines.on('line', (l) => l.startsWith('started ') && resolve(l.slice(8))));
    await bull(prefix).enqueue(pollSpec, { targetId: 'orders-pg' }, { jobId: JOB_ID });
    expect(await started).toBe(JOB_ID);

    child.kill('SIGKILL');
    await exited;
    const runs: JobMeta[] = [];
    bull(prefix).consume(pollSpec, async (_, meta) => void runs.push(meta), { concurrency: 1 });
    await until(() => runs.length > 0, 8_000);
    await sleep(1_200); // one more stalled check: a second run would show up here

    expect(runs.map((r) => r.jobId)).toEqual([JOB_ID]);
    expect(await counts(prefix)).toEqual({ wait: 0, active: 0, completed: 1, failed: 0 });
  });

  it('hands a job that outlives the close timeout back to the queue for another worker', async () => {
    const prefix = `close-${randomUUID().slice(0, 8)}`;
    const first = bull(prefix);
    let release = () => {};
    const hung = new Promise<void>((resolve) => (release = resolve));
    let firstStarted = false;
    first.consume(
      pollSpec,
      async () => {
        firstStarted = true;
        await hung;
      },
      { concurrency: 1 },
    );
    await first.enqueue(pollSpec, { targetId: 'orders-pg' }, { jobId: JOB_ID });
    await until(() => firstStarted, 5_000);

    const t0 = Date.now();
    await first.close(200);
    const closeMs = Date.now() - t0;
    const runs: JobMeta[] = [];
    bull(prefix).consume(pollSpec, async (_, meta) => void runs.push(meta), { concurrency: 1 });
    await until(() => runs.length > 0, 8_000);
    release(); // the abandoned handler ends late; its result must not count

    await sleep(300);
    expect(closeMs).toBeLessThan(1_500);
    expect(runs.map((r) => r.jobId)).toEqual([JOB_ID]);
    expect(await counts(prefix)).toEqual({ wait: 0, active: 0, completed: 1, failed: 0 });
  });
});
