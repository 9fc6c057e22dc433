import { accessSync, constants } from 'node:fs';
import { redisServerPath } from '../test/helpers/redis.js';

/** Something a figure needs from the machine, beyond this repository and its node_modules. */
export interface Requirement {
  readonly name: string;
  /** null when the machine has it; else, in a few words, what is missing and where it was looked for. */
  readonly problem: (env: NodeJS.ProcessEnv) => string | null;
  /** How to get it, printed once up front when it is missing. */
  readonly hint: string;
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Figures 5b and 7 start a private redis-server, the way the Redis integration tests do. */
export const REDIS_SERVER: Requirement = {
  name: 'redis-server',
  problem: (env) => {
    const path = redisServerPath(env);
    if (executable(path)) return null;
    return env.REDIS_SERVER
      ? `redis-server not found: REDIS_SERVER=${path} is not executable`
      : `redis-server not found on PATH nor at ${path}`;
  },
  hint: 'install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER to its path',
};

/** What the machine lacks of `needs`, in the order given; empty when it has them all. */
export function missingRequirements(needs: readonly Requirement[], env: NodeJS.ProcessEnv): { problem: string; hint: string }[] {
  return needs.flatMap((r) => {
    const problem = r.problem(env);
    return problem === null ? [] : [{ problem, hint: r.hint }];
  });
}
