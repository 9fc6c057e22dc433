import { z } from 'zod';
import { type DiscoverDeps, discoverAll } from '../src/discovery/discover.js';
import { evaluateCoverage } from '../src/discovery/judge-coverage.js';
import type { EvaluateDeps } from '../src/engine/judge.js';
import { accountThrottle } from '../src/providers/rate-limits.js';
import type { OwnerHooks, PipelineDeps, SharedLimits } from './deps.js';
import { defineJob } from './types.js';

/**
 * Lists every instance of the accounts with `discover:` on the database owner (discovery writes
 * SQLite, and it is a handful of calls an hour), then refreshes the targets it generates and judges
 * coverage for uncovered instances. Discovery shares each account's rate limit with the polls.
 */
export const discoverJob = defineJob({
  name: 'discover',
  payload: z.strictObject({}),
  // A failed listing is recorded and retried by the next tick; a whole-job retry would list twice.
  retry: { attempts: 1, backoffMs: 0 },
  async process(deps: DiscoverDeps & EvaluateDeps & Pick<PipelineDeps, 'events'> & Pick<SharedLimits, 'limiter'> & OwnerHooks) {
    const summaries = await discoverAll({ ...deps, throttle: accountThrottle(deps.loaded.config.accounts, deps.limiter) });
    deps.refreshTargets();
    const evaluation = evaluateCoverage(deps);
    deps.events.discovered(summaries);
    deps.events.evaluated(evaluation);
    const failed = summaries.filter((s) => !s.ok).length;
    deps.log.info(
      { services: summaries.length, failed, targets: deps.loaded.config.targets.length, changes: evaluation.changes },
      'discovery done',
    );
    if (evaluation.notifications > 0) deps.wakeDelivery();
  },
});
