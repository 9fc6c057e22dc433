import { afterAll, beforeAll } from 'vitest';
import { startRedis, type TestRedis } from './redis.js';

/**
 * A private redis-server for the calling test file: started before its tests, stopped after them
 * (after the file's other `afterAll` hooks when called first). Read it inside tests and hooks only.
 */
export function useRedis(): TestRedis {
  let server: TestRedis | undefined;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const running = (): TestRedis => {
    if (!server) throw new Error('redis-server is not started yet: use it inside a test or a hook');
    return server;
  };
  return {
    get url() {
      return running().url;
    },
    get port() {
      return running().port;
    },
    stop: () => running().stop(),
    restart: (opts) => running().restart(opts),
  };
}
