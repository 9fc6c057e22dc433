import type { SimBackupPolicy } from './catalog-instances.js';

// The parts of a fleet spec only discovery reads (replicas, untargeted instances, backup policies).
// Typed by the fields it reads rather than by fleet-spec.ts's types, which import this file.

/** The SpecInstance fields read here. */
interface DiscoveryInstance {
  readonly id: string;
  readonly account: string;
  readonly service: string;
  readonly region?: string;
  readonly missing?: boolean;
  readonly replicaOf?: string;
  readonly untargeted?: boolean;
  readonly policy?: SimBackupPolicy;
  readonly story?: string;
}

/** APIs whose list-instances answer has no read replicas (TiDB clusters, DDS replica sets are single instances). */
const NO_REPLICAS: readonly string[] = ['ucloud/tidb', 'huaweicloud/dds'];

/** The automated-backup window the simulator reports: `HH:MM-HH:MM` UTC. */
export const POLICY_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

/** Configured as a target: neither a read replica nor left out of the config. */
export const isTargeted = (i: DiscoveryInstance): boolean => i.replicaOf === undefined && i.untargeted !== true;

/** What is wrong with the fields only discovery reads: replicaOf, untargeted, policy. */
export function discoveryProblems(
  spec: { readonly instances: readonly DiscoveryInstance[] },
  accounts: ReadonlyMap<string, { readonly cloud: string; readonly region?: string }>,
): string[] {
  const problems: string[] = [];
  const byId = new Map(spec.instances.map((i) => [i.id, i]));
  const regionOf = (i: DiscoveryInstance): string | undefined => i.region ?? accounts.get(i.account)?.region;
  for (const i of spec.instances) {
    const where = `instance ${i.id}`;
    if (i.missing && !isTargeted(i))
      problems.push(
        `${where}: missing (configured, absent at the provider) cannot be ${i.replicaOf !== undefined ? 'a replica' : 'untargeted'} too`,
      );
    if (i.replicaOf !== undefined) {
      const primary = byId.get(i.replicaOf);
      const api = `${accounts.get(i.account)?.cloud}/${i.service}`;
      if (NO_REPLICAS.includes(api)) problems.push(`${where}: replicaOf: ${api} lists no read replicas`);
      if (!primary || primary.account !== i.account || primary.service !== i.service)
        problems.push(`${where}: replicaOf: no ${i.service} instance ${i.replicaOf} in account ${i.account}`);
      else if (primary.replicaOf !== undefined) problems.push(`${where}: replicaOf: ${i.replicaOf} is a replica itself`);
      else if (primary.missing) problems.push(`${where}: replicaOf: ${i.replicaOf} is missing at the provider`);
      else if (regionOf(primary) !== regionOf(i))
        problems.push(
          `${where}: replicaOf: a replica lives in its primary's region (${regionOf(primary) ?? 'none'}), not ${regionOf(i) ?? 'none'}`,
        );
    }
    const p = i.policy;
    if (p) {
      if (!Number.isInteger(p.keepDays) || p.keepDays < 0)
        problems.push(`${where}: policy.keepDays must be a whole number of days, 0 for automated backup off`);
      if (!POLICY_WINDOW.test(p.window)) problems.push(`${where}: policy.window must be HH:MM-HH:MM (UTC), e.g. 02:00-03:00`);
      if (p.weekdays.some((d) => !Number.isInteger(d) || d < 0 || d > 6) || new Set(p.weekdays).size !== p.weekdays.length)
        problems.push(`${where}: policy.weekdays must be distinct days 0 (Sunday) to 6 (Saturday)`);
    }
  }
  return problems;
}

/** An instance at the provider that the generated config does not target: what discovery should make of it. */
export interface SpecUntargeted {
  /** `<account>/<service>/<instance>`: the id `coverage` findings of an uncovered instance hang on. */
  readonly id: string;
  readonly account: string;
  readonly service: string;
  readonly instance: string;
  /** The primary, for a read replica. */
  readonly replicaOf?: string;
  readonly story?: string;
  /** `['coverage']` for a primary no target audits, `[]` for a replica (discovery lists it; nothing alarms). */
  readonly expect: readonly string[];
}

/** The replicas and untargeted primaries, in spec order, with what `coverage` should say about each. */
export function specUntargeted(spec: { readonly instances: readonly DiscoveryInstance[] }): SpecUntargeted[] {
  return spec.instances
    .filter((i) => !isTargeted(i) && !i.missing)
    .map((i) => ({
      id: `${i.account}/${i.service}/${i.id}`,
      account: i.account,
      service: i.service,
      instance: i.id,
      ...(i.replicaOf !== undefined && { replicaOf: i.replicaOf }),
      ...(i.story !== undefined && { story: i.story }),
      expect: i.replicaOf !== undefined ? [] : ['coverage'],
    }));
}
