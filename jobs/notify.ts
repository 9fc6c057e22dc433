import { z } from 'zod';
import { deliverDue } from '../src/notify/deliver.js';
import { defineJob } from './types.js';

/** Sends every due outbox row, one digest per channel. `flush` ignores groupWait. */
export const notifyJob = defineJob({
  name: 'notify',
  payload: z.strictObject({ flush: z.boolean().default(false) }),
  // Delivery retries live in the outbox rows (attempts, backoff); the job itself need not retry.
  retry: { attempts: 1, backoffMs: 0 },
  async process(deps, { flush }) {
    return deliverDue(deps, { flush });
  },
});
