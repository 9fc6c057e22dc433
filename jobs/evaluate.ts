import { z } from 'zod';
import { evaluateTargets } from '../src/engine/evaluate.js';
import { defineJob } from './types.js';

/** Evaluates rules for some or all targets at an instant (now by default). */
export const evaluateJob = defineJob({
  name: 'evaluate',
  payload: z.strictObject({ targetIds: z.array(z.string().min(1)).optional(), at: z.number().int().optional() }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async process(deps, { targetIds, at }) {
    return evaluateTargets(deps, { ...(targetIds && { targetIds }), ...(at !== undefined && { now: at }) });
  },
});
