import { z } from 'zod';
import { evaluateTargets } from '../src/engine/evaluate.js';
import type { EvaluateDeps } from '../src/engine/judge.js';
import type { OwnerHooks, PipelineDeps } from './deps.js';
import { defineJob } from './types.js';

/** Evaluates rules for some or all targets on the database owner, then wakes delivery for what changed. */
export const evaluateJob = defineJob({
  name: 'evaluate',
  payload: z.strictObject({ targetIds: z.array(z.string().min(1)).optional() }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async process(deps: EvaluateDeps & Pick<PipelineDeps, 'events'> & Pick<OwnerHooks, 'wakeDelivery'>, { targetIds }) {
    const summary = evaluateTargets(deps, targetIds ? { targetIds } : {});
    deps.events.evaluated(summary);
    if (summary.notifications > 0) deps.wakeDelivery();
  },
});
