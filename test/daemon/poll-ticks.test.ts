import { describe, expect, it } from 'vitest';
import { pollJob } from '../../jobs/poll.js';
import { loadConfigText } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { pollTicks } from '../../src/daemon/poll-ticks.js';
import { EmbeddedQueue } from '../../src/queue/embedded.js';
import { until } from '../helpers/wait.js';

const fleet = (n: number) =>
  loadConfigText(
    `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets:
${Array.from({ length: n }, (_, i) => `  - { id: t${i}, account: ali, service: rds, instance: rm-${i} }`).join('\n')}
`,
    '/tmp/poll-ticks.yaml',
    { checkSecrets: false },
  );

describe('poll ticks on the embedded queue', () => {
  it('enqueue a large tick a batch at a time as the workers take its polls, and every target once', async () => {
    const loaded = fleet(2_500);
    const queue = new EmbeddedQueue({ log: silentLogger }, systemClock);
    const polled: string[] = [];
    let open = false;
    queue.consume(
      pollJob,
      async ({ targetId }) => {
        await until(() => open, 10_000, 2);
        polled.push(targetId);
      },
      { concurrency: 4 },
    );
    const ticks = pollTicks({ loaded, queue, log: silentLogger, targets: () => loaded.config.targets });
    try {
      const tick = ticks.pollAll('2026-11-23T00:00:00Z');
      await new Promise((r) => setTimeout(r, 50));
      const held = (await queue.depth()).poll;
      // A batch of 1,000 more is enqueued whenever fewer than 1,000 wait: two batches here, not the tick.
      expect((held?.waiting ?? 0) + (held?.active ?? 0)).toBe(2_000);
      expect(ticks.pending()).toBe(500);

      open = true;
      expect(await tick).toBe(2_500);
      await until(() => polled.length === 2_500, 10_000);
      expect(new Set(polled).size).toBe(2_500);
    } finally {
      ticks.stop();
      await queue.close(1_000);
    }
  });

  it('stop ends a tick that waits for room in the queue', async () => {
    const loaded = fleet(3_500);
    const queue = new EmbeddedQueue({ log: silentLogger }, systemClock);
    queue.consume(pollJob, () => new Promise(() => {}), { concurrency: 1 });
    const ticks = pollTicks({ loaded, queue, log: silentLogger, targets: () => loaded.config.targets });
    const tick = ticks.pollAll('2026-11-23T00:00:00Z');
    await new Promise((r) => setTimeout(r, 50));
    ticks.stop();
    await queue.close(10);
    expect(await tick).toBe(2_000);
  });
});
