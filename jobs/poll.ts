import { z } from 'zod';
import { pollTarget } from '../src/engine/poll.js';
import { defineJob } from './types.js';

/** Polls one target. `slot` (the schedule tick, ISO) makes the job id `poll:<target>:<slot>` deterministic. */
export const pollJob = defineJob({
  name: 'poll',
  payload: z.strictObject({ targetId: z.string().min(1), slot: z.string().min(1) }),
  // The adapter already retries each request; a job-level retry is for a crash between fetch and commit.
  retry: { attempts: 2, backoffMs: 10_000 },
  async process(deps, { targetId }) {
    const target = deps.loaded.config.targets.find((t) => t.id === targetId);
    if (!target) throw new Error(`poll: target "${targetId}" is not in the config`);
    return pollTarget(deps, target);
  },
});
