import { z } from 'zod';
import type { OwnerDeps } from '../src/daemon/deps.js';
import { settleSent } from '../src/notify/dispatch.js';
import { defineJob } from './types.js';

const outcome = z.union([
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), permanent: z.boolean(), message: z.string(), retryAfterMs: z.number().nonnegative().optional() }),
]);

/**
 * Records on the owner how a digest's delivery went: sent, retry later, or failed for good (a retry
 * past the last attempt fails), and counts that verdict. `channel` is optional for jobs enqueued by
 * older workers; they count as `unknown`.
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
  async process(deps: OwnerDeps, { ids, channel, outcome: o, at }) {
    const verdict = settleSent(deps.db, ids, at, o);
    if (verdict !== 'none') deps.metrics.notifications.inc({ channel: channel ?? 'unknown', outcome: verdict }, ids.length);
    if (verdict === 'none') deps.log.info({ ids: ids.length }, 'delivery outcome for rows no longer claimed; ignored');
    else if (verdict !== 'sent')
      deps.log.warn({ ids: ids.length, verdict, error: o.ok ? undefined : o.message }, 'notification not delivered');
  },
});
