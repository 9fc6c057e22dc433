import { SERVICES_BY_CLOUD } from '../config/schema.js';
import { type SimBackupPolicy, setInstanceInfo } from './catalog-instances.js';
import { Fleet, type SimBackupInput, type SimCloud, type SimRateLimit } from './fleet.js';
import { discoveryProblems, isTargeted } from './spec-discovery.js';

/** The five simulated list-backups APIs, named `<cloud>/<service>` as the adapters are. */
export const SIM_APIS = ['aliyun/rds', 'ucloud/upgsql', 'ucloud/tidb', 'otc/rds', 'huaweicloud/dds'] as const;
export type SimApiId = (typeof SIM_APIS)[number];
export { POLICY_WINDOW, type SpecUntargeted, specUntargeted } from './spec-discovery.js';

/** Provider-neutral status words a fleet may use; each API renders them in its own words. */
export const GENERIC_STATUSES = ['completed', 'failed', 'running'] as const;
export type GenericStatus = (typeof GENERIC_STATUSES)[number];

/**
 * Each API's words for the generic statuses (PROVIDERS.md, "Normalization"). Alibaba has no word for
 * a running backup: DescribeBackups lists finished backups only, so an in-progress one is invisible.
 */
const PROVIDER_WORDS: Readonly<Record<SimApiId, Partial<Record<GenericStatus, string>>>> = {
  'aliyun/rds': { completed: 'Success', failed: 'Failed' },
  'ucloud/upgsql': { completed: 'Success', failed: 'Failed', running: 'Backuping' },
  'ucloud/tidb': { completed: 'Success', failed: 'Failed', running: 'Backuping' },
  'otc/rds': { completed: 'COMPLETED', failed: 'FAILED', running: 'BUILDING' },
  'huaweicloud/dds': { completed: 'COMPLETED', failed: 'FAILED', running: 'BUILDING' },
};

/** The API's own word for a generic status; any other word is the provider's own and kept verbatim. Undefined when the API has none. */
export function providerStatus(api: SimApiId, status: string): string | undefined {
  return (GENERIC_STATUSES as readonly string[]).includes(status) ? PROVIDER_WORDS[api][status as GenericStatus] : status;
}

/** One simulated cloud account, and how the generated config logs in with it. */
export interface SpecAccount {
  /** The account's name in the generated config, e.g. `ali-sim`. */
  readonly name: string;
  readonly cloud: SimCloud;
  /** Alibaba AccessKeyId, UCloud PublicKey, OTC/Huawei AK. */
  readonly accessKeyId: string;
  /** Alibaba AccessKeySecret, UCloud PrivateKey, OTC/Huawei SK. */
  readonly accessKeySecret: string;
  /** Alibaba `regionId`, OTC/Huawei `region` (required there); UCloud accounts have none. */
  readonly region?: string;
  /** OTC/Huawei project id (required there); UCloud optional ProjectId. */
  readonly projectId?: string;
  /** OTC/Huawei IAM password login the simulator accepts. */
  readonly password?: { readonly domain: string; readonly user: string; readonly password: string };
  /** OTC/Huawei: how the generated config authenticates; default `aksk`. */
  readonly auth?: 'aksk' | 'password';
  /** Alibaba: the signature the generated config asks for; default v1. */
  readonly signatureVersion?: 'v1' | 'v3';
  readonly rateLimit?: SimRateLimit;
}

/**
 * One database instance: at the provider (with its backups), configured but missing there, at the
 * provider but not configured (`untargeted`), or a read replica of another (listed, never a target).
 */
export interface SpecInstance {
  readonly id: string;
  /** A SpecAccount's name. */
  readonly account: string;
  readonly service: string;
  /** Default the account's region (required for UCloud). */
  readonly region?: string;
  /** UCloud zone, required for UPgSQL. */
  readonly zone?: string;
  readonly name?: string;
  /** Configured as a target but absent at the provider (deleted, or a typo in the config). */
  readonly missing?: boolean;
  /** A read replica of this instance id (same account and service): listed by discovery, not a target. */
  readonly replicaOf?: string;
  /** At the provider but not in the generated config: `coverage` should alarm for it (see `specUntargeted`). */
  readonly untargeted?: boolean;
  /** The automated-backup policy the list-instances and policy APIs report (keepDays 0 = off); default 7 days, daily. */
  readonly policy?: SimBackupPolicy;
  /** The target id in the generated config; default the instance id. */
  readonly target?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** What this instance is meant to show, in a sentence. */
  readonly story?: string;
  /**
   * Rule ids expected to alarm for it after one `run-once` with default rules, of the config `simulate`
   * writes (which discovers: a missing target's `coverage` alarms too). Not for replicas and untargeted ones.
   */
  readonly expect?: readonly string[];
  /** Status words may be generic (`completed`, `failed`, `running`) or the provider's own. */
  readonly backups: readonly SimBackupInput[];
}

/** A scripted or generated fleet: accounts, instances and what each is meant to show. */
export interface FleetSpec {
  readonly accounts: readonly SpecAccount[];
  readonly instances: readonly SpecInstance[];
}

/** A target of the generated config, with the story it is meant to tell. */
export interface SpecTarget {
  readonly id: string;
  readonly account: string;
  readonly service: string;
  readonly instance: string;
  readonly region?: string;
  readonly zone?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly story?: string;
  /** Rule ids expected to alarm; undefined when the fleet makes no claim (`[]` claims none). */
  readonly expect?: readonly string[];
}

/** Everything wrong with a spec (dangling references, duplicates, fields a cloud needs), as readable lines. */
export function checkFleetSpec(spec: FleetSpec): string[] {
  const problems: string[] = [];
  const accounts = new Map<string, SpecAccount>();
  const keys = new Set<string>();
  for (const a of spec.accounts) {
    if (accounts.has(a.name)) problems.push(`account ${a.name}: the name is used twice`);
    if (keys.has(a.accessKeyId)) problems.push(`account ${a.name}: access key ${a.accessKeyId} is used twice`);
    accounts.set(a.name, a);
    keys.add(a.accessKeyId);
    const gateway = a.cloud === 'otc' || a.cloud === 'huaweicloud';
    if ((gateway || a.cloud === 'aliyun') && !a.region) problems.push(`account ${a.name}: ${a.cloud} needs a region`);
    if (gateway && !a.projectId) problems.push(`account ${a.name}: ${a.cloud} needs a projectId`);
    if (a.auth === 'password' && !a.password) problems.push(`account ${a.name}: auth password needs a password login`);
  }
  const ids = new Set<string>();
  const targets = new Set<string>();
  for (const i of spec.instances) {
    const where = `instance ${i.id}`;
    if (ids.has(i.id)) problems.push(`${where}: the id is used twice`);
    ids.add(i.id);
    const target = i.target ?? i.id;
    if (isTargeted(i) && targets.has(target)) problems.push(`${where}: target id ${target} is used twice`);
    if (isTargeted(i)) targets.add(target);
    const account = accounts.get(i.account);
    if (!account) {
      problems.push(`${where}: no account named ${i.account}`);
      continue;
    }
    if (!SERVICES_BY_CLOUD[account.cloud].includes(i.service))
      problems.push(`${where}: ${account.cloud} has no service ${i.service} (${SERVICES_BY_CLOUD[account.cloud].join(', ')})`);
    if (account.cloud === 'ucloud' && !i.region) problems.push(`${where}: UCloud instances need a region`);
    if (i.service === 'upgsql' && !i.zone) problems.push(`${where}: UPgSQL instances need a zone`);
    const api = `${account.cloud}/${i.service}` as SimApiId;
    if (!SIM_APIS.includes(api)) continue;
    for (const b of i.backups) {
      if (providerStatus(api, b.status) === undefined)
        problems.push(`${where}: ${api} has no word for a ${b.status} backup (it lists finished backups only)`);
    }
  }
  return [...problems, ...discoveryProblems(spec, accounts)];
}

/** The simulator's fleet for a spec (missing instances left out, generic statuses translated); throws listing every problem. */
export function buildFleet(spec: FleetSpec): Fleet {
  const problems = checkFleetSpec(spec);
  if (problems.length > 0) throw new Error(`invalid fleet:\n  ${problems.join('\n  ')}`);
  const fleet = new Fleet();
  const accounts = new Map(spec.accounts.map((a) => [a.name, a]));
  for (const a of spec.accounts) {
    fleet.addAccount({
      cloud: a.cloud,
      accessKeyId: a.accessKeyId,
      accessKeySecret: a.accessKeySecret,
      ...(a.projectId !== undefined && { projectId: a.projectId }),
      ...(a.password && { password: a.password }),
      ...(a.rateLimit && { rateLimit: a.rateLimit }),
    });
  }
  for (const i of spec.instances) {
    if (i.missing) continue;
    const account = accounts.get(i.account) as SpecAccount;
    const api = `${account.cloud}/${i.service}` as SimApiId;
    fleet.addInstance({
      cloud: account.cloud,
      service: i.service,
      id: i.id,
      regionId: (i.region ?? account.region) as string,
      ...(i.zone !== undefined && { zone: i.zone }),
      ...(i.name !== undefined && { name: i.name }),
      backups: i.backups.map((b) => ({ ...b, status: providerStatus(api, b.status) as string })),
    });
    // Owned by its account: another account of the same cloud (e.g. `ali-bulk`) does not discover it.
    setInstanceInfo(fleet, i.id, {
      owner: account.accessKeyId,
      ...(i.replicaOf !== undefined && { replicaOf: i.replicaOf }),
      ...(i.policy && { policy: i.policy }),
    });
  }
  return fleet;
}

/** One target per instance, missing ones included, replicas and untargeted ones not: what a config for this fleet polls. */
export function specTargets(spec: FleetSpec): SpecTarget[] {
  const accounts = new Map(spec.accounts.map((a) => [a.name, a]));
  return spec.instances.filter(isTargeted).map((i) => {
    const account = accounts.get(i.account);
    const region = i.region ?? account?.region;
    // Alibaba and UCloud targets name their region; OTC/Huawei project ids are per region, so the account's is implied.
    const needsRegion = account?.cloud === 'ucloud' || (account?.cloud === 'aliyun' && region !== account.region);
    return {
      id: i.target ?? i.id,
      account: i.account,
      service: i.service,
      instance: i.id,
      ...(needsRegion && region !== undefined && { region }),
      ...(i.zone !== undefined && { zone: i.zone }),
      labels: i.labels ?? {},
      ...(i.story !== undefined && { story: i.story }),
      ...(i.expect !== undefined && { expect: i.expect }),
    };
  });
}
