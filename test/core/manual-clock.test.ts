import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { LocalRateLimiter } from '../../src/queue/local.js';

const T0 = Date.parse('2026-10-01T00:00:00Z');

describe('manualClock().sleep', () => {
  it('moves the clock to the end of the wait, and never back for a wait of zero or less', async () => {
    const clock = manualClock(T0);
    await clock.sleep(1_500);
    await clock.sleep(0);
    await clock.sleep(-200);
    expect(clock()).toBe(T0 + 1_500);
  });

  it('ends waits in the order of their ends, whichever began first, each seeing the clock at its own end', async () => {
    const clock = manualClock(T0);
    const woke: string[] = [];
    await Promise.all([
      clock.sleep(5_000).then(() => woke.push(`long at ${clock() - T0}`)),
      clock.sleep(100).then(() => woke.push(`short at ${clock() - T0}`)),
    ]);
    expect(woke).toEqual(['short at 100', 'long at 5000']);
  });

  it('lets a rate limiter space requests on the simulated clock without waiting in real time', async () => {
    const clock = manualClock(T0);
    const limiter = new LocalRateLimiter(clock, clock.sleep);
    const at: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        await limiter.acquire('account:ali', 10);
        at.push(clock() - T0);
      }),
    );
    // Fifty requests at 10 a second: one slot apart over 4.9 s of the clock's time, and none of it real.
    expect(at).toEqual(Array.from({ length: 50 }, (_, i) => i * 100));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
