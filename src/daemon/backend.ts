import type { LoadedConfig } from '../config/load.js';
import { monotonicClock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { EmbeddedQueue } from '../queue/embedded.js';
import { LocalLock, LocalRateLimiter } from '../queue/local.js';
import type { Backend, BackendOptions } from './backend-types.js';

export type { Backend, BackendOptions } from './backend-types.js';

/**
 * Embedded (no `redis` in the config): the in-process queue, limiter and lock. Scale-out: BullMQ, and
 * a limiter and lock in the same Redis, so limits and overlap protection hold across every worker.
 * The Redis side is loaded only when the config has `redis:`: BullMQ and its clients are a fifth of
 * an embedded daemon's heap otherwise, held for nothing.
 */
export async function createBackend(loaded: LoadedConfig, log: Logger, opts: BackendOptions = {}): Promise<Backend> {
  const url = loaded.config.redis;
  if (!url) {
    return {
      queue: new EmbeddedQueue({ log }, monotonicClock),
      limiter: new LocalRateLimiter(monotonicClock),
      lock: new LocalLock(monotonicClock),
      close: async () => {},
    };
  }
  const { redisBackend } = await import('./backend-redis.js');
  return redisBackend(url, loaded.config.queue, log, opts);
}
