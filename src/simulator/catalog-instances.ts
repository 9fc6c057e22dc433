import type { Fleet, SimAccount, SimInstance } from './fleet.js';

/** How an instance's automated backups are set up at the simulated provider. */
export interface SimBackupPolicy {
  /** 0 = automated backup off (OTC/DDS semantics); UCloud renders it as BackupCount. */
  readonly keepDays: number;
  /** `02:00-03:00` UTC. */
  readonly window: string;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekdays: readonly number[];
}

/** What list-instances APIs say about an instance beyond its backups. */
export interface SimInstanceInfo {
  /** The access key of the only account that sees the instance; absent = every account of its cloud. */
  readonly owner?: string;
  /** Read replica of this primary. */
  readonly replicaOf?: string;
  /** Gone: no longer listed (UCloud lists it once more as `Deleted`). */
  readonly deleted?: boolean;
  readonly policy?: SimBackupPolicy;
  readonly tags?: Readonly<Record<string, string>>;
}

export const DEFAULT_SIM_POLICY: SimBackupPolicy = { keepDays: 7, window: '02:00-03:00', weekdays: [0, 1, 2, 3, 4, 5, 6] };

// Kept beside the fleet rather than in it, so list-instances support adds no field to every instance.
const catalogs = new WeakMap<Fleet, Map<string, SimInstanceInfo>>();

/** Sets (merging) what the list-instances APIs report about an instance. */
export function setInstanceInfo(fleet: Fleet, id: string, info: SimInstanceInfo): void {
  let map = catalogs.get(fleet);
  if (!map) {
    map = new Map();
    catalogs.set(fleet, map);
  }
  map.set(id, { ...map.get(id), ...info });
}

/** What is known about an instance beyond its backups. */
export function instanceInfo(fleet: Fleet, id: string): SimInstanceInfo {
  return catalogs.get(fleet)?.get(id) ?? {};
}

/** The instance's backup policy, the default one when none was set. */
export function instancePolicy(fleet: Fleet, id: string): SimBackupPolicy {
  return instanceInfo(fleet, id).policy ?? DEFAULT_SIM_POLICY;
}

/**
 * Instances of `cloud`/`service` the account sees, in the order added: its cloud's, not owned by
 * another account, in `region` when given. Deleted ones are included only with `withDeleted`.
 */
export function visibleInstances(
  fleet: Fleet,
  account: SimAccount,
  service: string,
  opts: { region?: string; withDeleted?: boolean } = {},
): SimInstance[] {
  return fleet.instances().filter((i) => {
    const info = instanceInfo(fleet, i.id);
    return (
      i.cloud === account.cloud &&
      i.service === service &&
      (info.owner === undefined || info.owner === account.accessKeyId) &&
      (opts.region === undefined || i.regionId === opts.region) &&
      (opts.withDeleted === true || info.deleted !== true)
    );
  });
}
