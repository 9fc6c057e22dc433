import { claimDue, dueChannels } from '../src/db/outbox.js';
import { releaseOrphans } from '../src/notify/outbox.js';
import type { OwnerDeps } from './deps.js';
import { notifyJob } from './notify.js';

/** How long a claimed digest may take from the claim to its settle before it is offered again. */
export const DELIVERY_LEASE_MS = 10 * 60_000;

/**
 * The outbox pump's one turn, on the database owner: gives back expired claims, then, for each channel
 * whose oldest pending row has waited `groupWaitMs`, claims all its due rows and enqueues them as one
 * digest on `notify`. Any worker may send it; the outcome comes back through `settle`. A lost worker or
 * outcome only delays: the lease expires and the rows go again. Returns the digests offered.
 */
export async function offerDueDigests(
  deps: Pick<OwnerDeps, 'db' | 'clock' | 'log' | 'queue'>,
  opts: { groupWaitMs: number; owner: string },
): Promise<number> {
  const now = deps.clock();
  const released = releaseOrphans(deps.db, now);
  if (released > 0) deps.log.warn({ released }, 'claims that were never settled were put back in the outbox');
  let offered = 0;
  for (const channel of dueChannels(deps.db, now, opts.groupWaitMs)) {
    const rows = claimDue(deps.db, channel, now, opts.owner, DELIVERY_LEASE_MS);
    const first = rows[0];
    if (!first) continue;
    const digest = { channel, items: rows.map((r) => r.item), createdAt: now };
    // One job per claim: the claim itself is exclusive, so the id need not dedupe anything. An id
    // made of the rows alone would be refused as a duplicate when rows whose outcome was lost come
    // back after their lease (the queue keeps finished ids for a day).
    await deps.queue.enqueue(notifyJob, { ids: rows.map((r) => r.id), digest }, { jobId: `notify:${first.id}:${first.attempts}:${now}` });
    offered++;
  }
  return offered;
}
