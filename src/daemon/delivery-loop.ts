import { notifyJob } from '../../jobs/notify.js';
import { errorMessage } from '../core/errors.js';
import { claimDue, claimOwner, dueChannels, releaseOrphans } from '../notify/outbox.js';
import type { OwnerDeps } from './deps.js';

/** How long a claimed digest may take from the claim to its settle before it is offered again. */
const LEASE_MS = 10 * 60_000;

export interface DeliveryLoop {
  wake(): void;
  stop(): void;
}

/**
 * The owner's outbox pump: every `intervalMs` (and when woken after an evaluation) it gives back
 * expired claims, then, for each channel whose oldest pending row has waited `groupWait`, claims all
 * its due rows and enqueues them as one digest on `notify`. Any worker may send it; the outcome comes
 * back through `settle`. A lost worker or outcome only delays: the lease expires and the rows go again.
 */
export function startDeliveryLoop(deps: OwnerDeps, intervalMs = 5_000): DeliveryLoop {
  const owner = claimOwner();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  async function tick(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const now = deps.clock();
      const released = releaseOrphans(deps.db, now);
      if (released > 0) deps.log.warn({ released }, 'claims that were never settled were put back in the outbox');
      for (const channel of dueChannels(deps.db, now, deps.loaded.config.alerting.groupWait)) {
        const rows = claimDue(deps.db, channel, now, owner, LEASE_MS);
        const first = rows[0];
        if (!first) continue;
        const digest = { channel, items: rows.map((r) => r.item), createdAt: now };
        // One job per claim: the claim itself is exclusive, so the id need not dedupe anything. An id
        // made of the rows alone would be refused as a duplicate when rows whose outcome was lost come
        // back after their lease (the queue keeps finished ids for a day), and a channel whose oldest
        // row is stuck sends nothing newer either.
        await deps.queue.enqueue(
          notifyJob,
          { ids: rows.map((r) => r.id), digest },
          { jobId: `notify:${first.id}:${first.attempts}:${now}` },
        );
      }
    } catch (err) {
      deps.log.error({ err: errorMessage(err) }, 'delivery loop failed; will try again');
    } finally {
      running = false;
      if (again && !stopped) {
        again = false;
        void tick();
      }
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), intervalMs);
  };
  schedule();
  return {
    wake: () => {
      // After groupWait the rows just written become due: look then, not only at the next tick.
      if (!stopped) setTimeout(() => void tick(), deps.loaded.config.alerting.groupWait + 50).unref();
      void tick();
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
