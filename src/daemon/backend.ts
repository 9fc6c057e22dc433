import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../core/log.js';
import { BullQueue } from '../queue/bullmq.js';
import { EmbeddedQueue } from '../queue/embedded.js';
import { LocalLock, LocalRateLimiter } from '../queue/local.js';
import { redisFactory } from '../queue/redis-connection.js';
import { RedisLock } from '../queue/redis-lock.js';
import { RedisRateLimiter } from '../queue/redis-rate-limit.js';
import type { KeyedLock, QueueBackend, RateLimiter } from '../queue/types.js';

export interface Backend {
  readonly queue: QueueBackend;
  readonly limiter: RateLimiter;
  readonly lock: KeyedLock;
  /** Closes what `queue.close` does not (the limiter's and lock's Redis connection). */
  close(): Promise<void>;
}

export interface BackendOptions {
  /** BullMQ key prefix; lets several deployments share one Redis. */
  readonly prefix?: string;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

/**
 * Embedded (no `redis` in the config): the in-process queue, limiter and lock. Scale-out: BullMQ, and
 * a limiter and lock in the same Redis, so limits and overlap protection hold across every worker.
 */
export function createBackend(loaded: LoadedConfig, log: Logger, opts: BackendOptions = {}): Backend {
  const url = loaded.config.redis;
  if (!url) return { queue: new EmbeddedQueue({ log }), limiter: new LocalRateLimiter(), lock: new LocalLock(), close: async () => {} };
  const factory = redisFactory(url, log);
  const shared = factory('backup-auditor:coordination');
  const q = loaded.config.queue;
  const prefix = opts.prefix ?? q.prefix;
  return {
    queue: new BullQueue({
      connection: factory,
      log,
      prefix,
      lockDurationMs: opts.lockDurationMs ?? q.lockDuration,
      stalledIntervalMs: opts.stalledIntervalMs ?? q.stalledInterval,
    }),
    limiter: new RedisRateLimiter(shared, { prefix }),
    lock: new RedisLock(shared, { prefix }),
    close: async () => {
      await shared.quit().catch(() => shared.disconnect());
    },
  };
}
