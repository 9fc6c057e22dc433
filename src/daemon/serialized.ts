import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';

export interface Serialized {
  /** Runs now, or once more right after the run under way. */
  now(): Promise<void>;
  /** Runs in `ms` (for work that becomes due then). */
  after(ms: number): void;
  /** No more runs; the one under way finishes. */
  stop(): void;
}

/**
 * `fn` one run at a time: asking while it runs asks for exactly one more run after it, however often
 * asked. The delivery offer runs so, from its interval and from every evaluation that wrote alerts.
 * A run that fails is logged; the next one tries again.
 */
export function serialized(name: string, fn: () => Promise<unknown>, log: Logger): Serialized {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const run = async (): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      log.error({ err: errorMessage(err) }, `${name} failed; will try again`);
    }
  };
  const now = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = run().finally(() => {
      running = undefined;
      if (again && !stopped) {
        again = false;
        void now();
      }
    });
    return running;
  };
  return {
    now,
    after(ms) {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void now();
      }, ms);
      timer.unref();
      timers.add(timer);
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
  };
}
