import type { Config, TargetConfig } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { lastDiscovery, type StoredInstance, storedInstances } from '../db/discovery.js';

/** Where one discovered instance stands. */
export type CoverageState = 'targeted' | 'excluded' | 'uncovered' | 'replica';

export interface InstanceCoverage {
  readonly instance: StoredInstance;
  readonly state: CoverageState;
  /** The covering target, or the exclusion's reason. */
  readonly detail: string;
}

/** A configured target whose instance the newest successful discovery did not list. */
export interface MissingTarget {
  readonly target: TargetConfig;
  readonly goneAt: number | null;
  readonly lastDiscoveryAt: number;
}

export interface ServiceCoverage {
  readonly account: string;
  readonly service: string;
  readonly lastDiscoveryAt: number | null;
  readonly instances: readonly InstanceCoverage[];
  readonly missingTargets: readonly MissingTarget[];
}

/** `orders-*` → /^orders-.*$/: name globs with `*` and `?`. */
function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/** The reason an instance is excluded by its account's `discover.exclude`, or undefined. */
export function exclusionOf(
  config: Pick<Config, 'accounts'>,
  account: string,
  instance: { instance: string; name: string | null },
): string | undefined {
  const exclude = config.accounts[account]?.discover?.exclude ?? [];
  for (const [i, e] of exclude.entries()) {
    const match = typeof e === 'string' ? e : e.match;
    if (match === instance.instance || glob(match).test(instance.instance) || (instance.name !== null && glob(match).test(instance.name))) {
      return typeof e === 'string' ? `excluded by accounts.${account}.discover.exclude[${i}] (${match})` : e.reason;
    }
  }
  return undefined;
}

/**
 * Coverage of every discovering account and service at `now`, from stored discovery: each current
 * instance classified (replicas apart from primaries), and targets whose instance is no longer listed.
 * `targets` is the effective target list (explicit plus auto-targets).
 */
export function coverageOf(db: Db, config: Pick<Config, 'accounts'>, targets: readonly TargetConfig[], now: number): ServiceCoverage[] {
  const out: ServiceCoverage[] = [];
  const all = storedInstances(db);
  for (const [account, a] of Object.entries(config.accounts)) {
    if (!a.discover) continue;
    const services = [
      ...new Set([
        ...all.filter((i) => i.account === account).map((i) => i.service),
        ...targets.filter((t) => t.account === account).map((t) => t.service),
      ]),
    ].sort();
    for (const service of services) {
      const last = lastDiscovery(db, account, service, now);
      const rows = all.filter((i) => i.account === account && i.service === service && i.firstSeenAt <= now);
      const covering = new Map(targets.filter((t) => t.account === account && t.service === service).map((t) => [t.instance, t]));
      const current = rows.filter((i) => i.goneAt === null || i.goneAt > now);
      const instances = current.map((i): InstanceCoverage => {
        if (i.replica)
          return { instance: i, state: 'replica', detail: i.primaryInstance ? `read replica of ${i.primaryInstance}` : 'read replica' };
        const t = covering.get(i.instance);
        if (t) return { instance: i, state: 'targeted', detail: t.id };
        const reason = exclusionOf(config, account, i);
        return reason
          ? { instance: i, state: 'excluded', detail: reason }
          : { instance: i, state: 'uncovered', detail: 'neither a target nor excluded' };
      });
      const listed = new Set(current.map((i) => i.instance));
      const missingTargets =
        last === null
          ? []
          : [...covering.values()]
              .filter((t) => !listed.has(t.instance))
              .map((t) => ({ target: t, goneAt: rows.find((r) => r.instance === t.instance)?.goneAt ?? null, lastDiscoveryAt: last }));
      out.push({ account, service, lastDiscoveryAt: last, instances, missingTargets });
    }
  }
  return out;
}
