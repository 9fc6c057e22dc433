import { z } from 'zod';
import { type PruneSummary, pruneEvidence, type RetentionCutoffs } from '../src/db/retention.js';
import type { OwnerDeps } from './deps.js';
import { defineJob } from './types.js';

type PruneDeps = Pick<OwnerDeps, 'db' | 'loaded' | 'log' | 'clock'>;

/** The instants before which `retention` prunes, at `now`. */
export function retentionCutoffs(deps: Pick<OwnerDeps, 'loaded'>, now: number): RetentionCutoffs | null {
  const r = deps.loaded.config.retention;
  if (!r) return null;
  const before = (keep: number | undefined) => (keep === undefined ? undefined : now - keep);
  return { polls: before(r.polls), pages: before(r.pages), notifications: before(r.notifications) };
}

/**
 * Prunes what `retention` no longer keeps (src/db/retention.ts), and logs what went: the processor
 * of the daemon's prune job and of `db prune`. Null without `retention:`, which keeps everything.
 */
export function pruneByRetention(deps: PruneDeps): PruneSummary | null {
  const now = deps.clock();
  const cutoffs = retentionCutoffs(deps, now);
  if (!cutoffs) return null;
  const summary = pruneEvidence(deps.db, cutoffs, now);
  deps.log.info({ ...summary }, 'retention pruned what it no longer keeps');
  return summary;
}

/** The daemon's daily pruning on the database owner, on `schedules.prune`. */
export const pruneJob = defineJob({
  name: 'prune',
  payload: z.strictObject({}),
  // The next day's schedule tries again; pruning later loses nothing.
  retry: { attempts: 1, backoffMs: 0 },
  async process(deps: PruneDeps) {
    pruneByRetention(deps);
  },
});
