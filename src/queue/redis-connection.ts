import { Redis } from 'ioredis';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';

/** Creates one Redis connection; `name` shows up in `CLIENT LIST` and in logs. */
export type RedisFactory = (name: string) => Redis;

/** Longest pause between two reconnect attempts: a restarted Redis is found again within this. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * A Redis URL fit for logs and error messages: the password (and a lone user) replaced by `***`.
 * Something that is not a URL at all is not echoed back, since it may be a bare secret.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    else if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return '[unparseable redis url]';
  }
}

/**
 * An ioredis client as BullMQ workers need it, and as a long-running daemon needs it:
 * - `maxRetriesPerRequest: null`: a command issued while Redis is away waits for the reconnect instead
 *   of failing after a few tries (BullMQ refuses worker connections without this);
 * - reconnects forever with exponential backoff capped at 5 s: a Redis restart must not kill the
 *   daemon, and nothing restarts a daemon whose connection gave up;
 * - errors are logged, once per outage at `warn` (the rest at `debug`, or a down Redis would flood
 *   the log every few seconds), and never with the URL's password.
 */
export function createRedis(url: string, opts: { log: Logger; name: string }): Redis {
  const log = opts.log.child({ redis: redactRedisUrl(url), connection: opts.name });
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: opts.name,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), MAX_RECONNECT_DELAY_MS),
  });
  let down = false;
  client.on('error', (err: unknown) => {
    // ioredis errors carry host and port at most, never the credentials, so the message is safe.
    if (down) log.debug({ err: errorMessage(err) }, 'redis still unavailable');
    else log.warn({ err: errorMessage(err) }, 'redis connection error; reconnecting');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('redis connection restored');
    down = false;
  });
  return client;
}

/** The connection factory for a URL: every call opens a new, separately named client. */
export function redisFactory(url: string, log: Logger): RedisFactory {
  return (name) => createRedis(url, { log, name });
}
