import { pollJob } from '../../jobs/poll.js';
import type { LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { interleaveByAccount, targetPosition } from '../config/target-index.js';
import { iso } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { QueueBackend } from '../queue/types.js';

export interface PollTicks {
  /** Enqueues one poll per target for `slot` (what a tick does), resolving when all are enqueued. */
  pollAll(slot: string, targets?: readonly TargetConfig[]): Promise<number>;
  /** Gives up retrying enqueues that have not gone through. */
  stop(): void;
  /** Polls of ticks not enqueued yet: waiting for room in the queue, or retried while the backend is unreachable. */
  readonly pending: () => number;
  /** The most recent slots ticked (newest last, at most 100): what should have been polled. */
  readonly ticked: () => readonly string[];
}

/** Polls a tick enqueues at once; it enqueues more when fewer than this wait (where the queue keeps them in-process). */
const ENQUEUE_BATCH = 1_000;

/** The slot of a tick: the scheduled instant (whole seconds, UTC), the same on every daemon that schedules it. */
export const slotOf = (date: Date): string => iso(Math.floor(date.getTime() / 1000) * 1000);

/**
 * Turns a poll tick into `poll:<target>:<slot>` jobs: deterministic ids, so two daemons ticking
 * together enqueue each poll once. An enqueue that fails (Redis restarting) is retried until it goes
 * through: a scheduled poll is late rather than lost. `targets` are read at every tick (the config's
 * plus those `discover:` generated); a generated target travels with its job, since a remote worker's
 * config does not list it. The embedded queue keeps waiting jobs in this process, so a tick is enqueued
 * a batch at a time as the workers take them, not the whole fleet at once.
 */
export function pollTicks(deps: {
  loaded: LoadedConfig;
  queue: QueueBackend;
  log: Logger;
  targets: () => readonly TargetConfig[];
}): PollTicks {
  let stopped = false;
  let pending = 0;
  const ticked: string[] = [];
  const wakeups = new Set<() => void>();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeups.delete(done);
        resolve();
      }
      wakeups.add(done);
    });

  async function enqueue(target: TargetConfig, slot: string): Promise<boolean> {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        // The config's own targets are found through its index (which poll jobs share), not a set of their own.
        const configured = targetPosition(deps.loaded.config, target.id) !== undefined;
        const payload = configured ? { targetId: target.id, slot } : { targetId: target.id, slot, target };
        return await deps.queue.enqueue(pollJob, payload, { jobId: `poll:${target.id}:${slot}` });
      } catch (err) {
        const wait = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        deps.log.warn({ target: target.id, slot, attempt, retryInMs: wait, err: errorMessage(err) }, 'could not enqueue poll; retrying');
        await pause(wait);
      }
    }
    return false;
  }

  return {
    async pollAll(slot, targets = deps.targets()) {
      ticked.push(slot);
      if (ticked.length > 100) ticked.shift();
      pending += targets.length;
      const order = interleaveByAccount(targets);
      let n = 0;
      for (let i = 0; i < order.length; i += ENQUEUE_BATCH) {
        if (i > 0 && !stopped) await deps.queue.room?.(pollJob.name, ENQUEUE_BATCH);
        const added = await Promise.all(order.slice(i, i + ENQUEUE_BATCH).map((t) => enqueue(t, slot).finally(() => pending--)));
        n += added.filter(Boolean).length;
      }
      deps.log.info(
        { slot, targets: targets.length, enqueued: n },
        n < targets.length ? 'poll tick (some already enqueued elsewhere)' : 'poll tick',
      );
      return n;
    },
    stop() {
      stopped = true;
      for (const wake of wakeups) wake();
    },
    pending: () => pending,
    ticked: () => [...ticked],
  };
}
