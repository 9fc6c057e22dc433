import cron, { type ScheduledTask } from 'node-cron';
import type { LoadedConfig } from '../config/load.js';
import { errorMessage } from '../core/errors.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { evaluateCoverage } from '../discovery/evaluate.js';
import { discoverAll, discoveringAccounts } from '../discovery/run.js';
import { accountThrottle } from '../providers/rate-limits.js';
import type { OwnerDeps } from './deps.js';

export interface DiscoveryLoop {
  /** Discovers now (skipped while a discovery runs), then refreshes auto-targets and judges coverage. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `schedules.discover` on the database owner: discovery writes SQLite, and it is a handful of
 * calls an hour, so it runs here rather than on the queues. After each discovery the owner's targets
 * (`setLoaded`) gain or lose the generated ones and `coverage` is judged for uncovered instances.
 * Nothing is scheduled when no account has `discover:`.
 */
export function startDiscoveryLoop(deps: OwnerDeps, base: LoadedConfig, setLoaded: (loaded: LoadedConfig) => void): DiscoveryLoop {
  const { config } = base;
  let running: Promise<void> | undefined;
  let stopped = false;
  async function once(): Promise<void> {
    const summaries = await discoverAll({ ...deps, throttle: accountThrottle(deps.loaded.config.accounts, deps.limiter) });
    if (stopped) return;
    setLoaded(withAutoTargets(base, deps.db, deps.clock()));
    const evaluation = evaluateCoverage(deps);
    deps.log.info(
      {
        services: summaries.length,
        failed: summaries.filter((s) => !s.ok).length,
        targets: deps.loaded.config.targets.length,
        changes: evaluation.changes,
      },
      'discovery done',
    );
    if (evaluation.notifications > 0) deps.wakeDelivery();
  }
  const run = (): Promise<void> => {
    if (stopped || discoveringAccounts(deps).length === 0) return Promise.resolve();
    running ??= once()
      .catch((err: unknown) => deps.log.error({ err: errorMessage(err) }, 'discovery failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const task: ScheduledTask | undefined =
    discoveringAccounts(deps).length > 0
      ? cron.schedule(config.schedules.discover, () => run(), { timezone: config.timezone, name: 'discover' })
      : undefined;
  return {
    run,
    async stop() {
      stopped = true;
      await task?.destroy();
      await running;
    },
  };
}
