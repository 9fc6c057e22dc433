import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { BullQueue } from '../queue/bullmq.js';
import { redisFactory } from '../queue/redis-connection.js';
import { RedisLock } from '../queue/redis-lock.js';
import { RedisRateLimiter } from '../queue/redis-rate-limit.js';
import type { Backend, BackendOptions } from './backend-types.js';

/** The scale-out backend on the Redis at `url`: BullMQ queues, and the limiter and lock they share. */
export function redisBackend(url: string, q: Config['queue'], log: Logger, opts: BackendOptions): Backend {
  const factory = redisFactory(url, log);
  const shared = factory('backup-auditor:coordination');
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
