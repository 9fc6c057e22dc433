import { z } from 'zod';
import type { OwnerDeps } from '../src/daemon/deps.js';
import { evaluateTargets } from '../src/engine/evaluate.js';
import { defineJob } from './types.js';

/** Evaluates rules for some or all targets on the database owner, then wakes delivery for what changed. */
export const evaluateJob = defineJob({
  name: 'evaluate',
  payload: z.strictObject({ targetIds: z.array(z.string().min(1)).optional() }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async process(deps: OwnerDeps, { targetIds }) {
    const summary = evaluateTargets(deps, targetIds ? { targetIds } : {});
    for (const [state, n] of Object.entries(summary.byState)) deps.metrics.evaluations.inc({ state }, n);
    if (summary.notifications > 0) deps.wakeDelivery();
  },
});
