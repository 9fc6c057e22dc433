import { z } from 'zod';
import { settleSent } from '../src/notify/outbox.js';
import type { OwnerDeps } from './deps.js';
import { defineJob } from './types.js';

const outcome = z.union([
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), permanent: z.boolean(), message: z.string(), retryAfterMs: z.number().nonnegative().optional() }),
]);

/**
 * Records on the owner how a digest's delivery went: sent, retry later, or failed for good (a retry
 * past the last attempt fails), and reports that verdict. `channel` is optional for jobs enqueued by
 * older workers; they are reported as `unknown`.
 */
export const settleJob = defineJob({
  name: 'settle',
  payload: z.strictObject({
    ids: z.array(z.number().int().positive()).min(1),
    channel: z.string().min(1).optional(),
    outcome,
    at: z.number(),
  }),
  retry: { attempts: 5, backoffMs: 1_000 },
  async process(deps: Pick<OwnerDeps, 'db' | 'log' | 'random' | 'retry' | 'events'>, { ids, channel, outcome: o, at }) {
    const verdict = settleSent(deps.db, ids, at, o, deps.retry, deps.random);
    if (verdict === 'none') {
      deps.log.info({ ids: ids.length }, 'delivery outcome for rows no longer claimed; ignored');
      return;
    }
    deps.events.settled(channel ?? 'unknown', verdict, ids.length);
    if (verdict === 'sent') deps.log.info({ channel, items: ids.length }, 'notification sent');
    else deps.log.warn({ channel, items: ids.length, verdict, error: o.ok ? undefined : o.message }, 'notification not delivered');
  },
});
