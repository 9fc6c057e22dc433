import type { Config } from '../config/schema.js';
import { iso } from '../core/clock.js';
import type { Db } from '../db/client.js';
import { type CoverageState, coverageOf, type ServiceCoverage } from './coverage.js';

/** One (account, service) of `coverage --json`: the counts an auditor asks for, and who is uncovered. */
export interface CoverageRow {
  readonly account: string;
  readonly service: string;
  readonly lastDiscoveryAt: string | null;
  readonly discovered: number;
  readonly targeted: number;
  readonly excluded: number;
  readonly uncovered: number;
  readonly replicas: number;
  readonly uncoveredInstances: readonly { instance: string; name: string | null; firstSeenAt: string }[];
  readonly excludedInstances: readonly { instance: string; reason: string }[];
  readonly missingTargets: readonly { target: string; instance: string }[];
}

/**
 * Stored discovery at `now` as one row per (account, service): what `coverage --json` prints and the
 * weekly report carries. `config.targets` should include the auto-targets (`withAutoTargets`).
 */
export function coverageRows(db: Db, config: Config, now: number): CoverageRow[] {
  return coverageOf(db, config, config.targets, now).map((sc: ServiceCoverage) => {
    const of = (s: CoverageState) => sc.instances.filter((i) => i.state === s);
    return {
      account: sc.account,
      service: sc.service,
      lastDiscoveryAt: sc.lastDiscoveryAt === null ? null : iso(sc.lastDiscoveryAt),
      discovered: sc.instances.filter((i) => i.state !== 'replica').length,
      targeted: of('targeted').length,
      excluded: of('excluded').length,
      uncovered: of('uncovered').length,
      replicas: of('replica').length,
      uncoveredInstances: of('uncovered').map((i) => ({
        instance: i.instance.instance,
        name: i.instance.name,
        firstSeenAt: iso(i.instance.firstSeenAt),
      })),
      excludedInstances: of('excluded').map((i) => ({ instance: i.instance.instance, reason: i.detail })),
      missingTargets: sc.missingTargets.map((m) => ({ target: m.target.id, instance: m.target.instance })),
    };
  });
}
