import { z } from 'zod';
import { digestSchema } from '../src/notify/digest-schema.js';
import { type SendDeps, sendDigest } from '../src/notify/send.js';
import type { PipelineDeps } from './deps.js';
import { settleJob } from './settle.js';
import { defineJob } from './types.js';

/**
 * Sends one claimed digest (any worker with the config's channel secrets can) and reports the outcome
 * to the owner through `settle`. Not retried here: retries live in the outbox rows, with backoff.
 */
export const notifyJob = defineJob({
  name: 'notify',
  payload: z.strictObject({ ids: z.array(z.number().int().positive()).min(1), digest: digestSchema }),
  retry: { attempts: 1, backoffMs: 0 },
  async process(deps: SendDeps & Pick<PipelineDeps, 'queue'>, { ids, digest }, meta) {
    const outcome = await sendDigest(deps, digest);
    // Settled on the owner: this may be a remote worker, which never opens the database.
    await deps.queue.enqueue(settleJob, { ids, channel: digest.channel, outcome, at: deps.clock() }, { jobId: `settle:${meta.jobId}` });
  },
});
