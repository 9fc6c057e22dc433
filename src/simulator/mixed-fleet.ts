import type { SimBackupInput } from './fleet.js';
import { type FleetSpec, SIM_APIS, type SimApiId, type SpecAccount, type SpecInstance } from './fleet-spec.js';
import { STORIES, type Story, storyPlan } from './mixed-fleet-stories.js';
import { mulberry32 } from './prng.js';

export { STORIES, type Story } from './mixed-fleet-stories.js';

export interface MixedFleetOptions {
  readonly seed: number;
  /** Epoch ms: the fleet's "now"; every backup starts before it. */
  readonly now: number;
  /** Instances per API; the stories repeat in order beyond six. Default 6 (one of each). */
  readonly perApi?: number;
  /** Days of history, two automated backups a day; at least 5 so retention holds. Default 10. */
  readonly days?: number;
}

/** Per API: the config account, target id prefix, region and zone, and the shape of instance and backup ids. */
interface ApiShape {
  readonly account: string;
  readonly prefix: string;
  readonly region: string;
  readonly zone?: string;
  readonly instanceId: (r: () => number) => string;
  readonly backupId?: (r: () => number) => string;
  /** How a read replica's id looks; absent where the API lists no replicas (TiDB, DDS). */
  readonly replicaId?: (r: () => number) => string;
}

const API_SHAPE: Readonly<Record<SimApiId, ApiShape>> = {
  'aliyun/rds': {
    account: 'ali-sim',
    prefix: 'ali-rds',
    region: 'cn-hangzhou',
    instanceId: (r) => `rm-bp1${token(r, 14, LOWER)}`,
    replicaId: (r) => `rr-bp1${token(r, 14, LOWER)}`,
  },
  'ucloud/upgsql': {
    account: 'uc-sim',
    prefix: 'uc-pg',
    region: 'cn-bj2',
    zone: 'cn-bj2-04',
    instanceId: (r) => `upgsql-${token(r, 8, LOWER)}`,
    replicaId: (r) => `upgsql-${token(r, 8, LOWER)}`,
  },
  'ucloud/tidb': { account: 'uc-sim', prefix: 'uc-tidb', region: 'cn-bj2', instanceId: (r) => `tidb-${token(r, 8, LOWER)}` },
  'otc/rds': {
    account: 'otc-sim',
    prefix: 'otc-rds',
    region: 'eu-de',
    instanceId: (r) => `${token(r, 32, HEX)}in01`,
    backupId: (r) => `${token(r, 32, HEX)}br01`,
    replicaId: (r) => `${token(r, 32, HEX)}in01`,
  },
  'huaweicloud/dds': {
    account: 'hw-sim',
    prefix: 'hw-dds',
    region: 'ap-southeast-1',
    instanceId: (r) => `${token(r, 32, HEX)}in02`,
    backupId: (r) => `${token(r, 32, HEX)}br02`,
  },
};

/**
 * A deterministic fleet over all five APIs with a described mix: for each API, instances that are
 * healthy, failing (the latest backup FAILED), stale (last completed more than 30 h ago), stuck
 * (a backup running for more than 6 h), shrinking (the newest backup a fraction of the usual size)
 * and missing (configured, absent at the provider), each tagged with its story and the rule it should
 * trip; stale instances have automated backup switched off (`backup-policy`, except on TiDB, which
 * exposes no policy). Then, for discovery, per API one primary no target audits (`coverage` alarms,
 * see `specUntargeted`) and, where the API has them, a read replica of the first healthy instance.
 * Accounts for every cloud (OTC logs in with an IAM password, Huawei with AK/SK). The same options
 * give the same ids, credentials, times and sizes on every run.
 */
export function mixedFleet(opts: MixedFleetOptions): FleetSpec {
  const random = mulberry32(opts.seed);
  const perApi = opts.perApi ?? STORIES.length;
  const days = Math.max(5, opts.days ?? 10);
  const accounts = mixedAccounts(random);
  const instances: SpecInstance[] = [];
  for (const api of SIM_APIS) {
    const shape = API_SHAPE[api];
    for (let n = 0; n < perApi; n++) {
      const story = STORIES[n % STORIES.length] as Story;
      const round = Math.floor(n / STORIES.length);
      const id = shape.instanceId(random);
      const plan = storyPlan(api, story, random, opts.now, days * 2);
      const backups = withBackupIds(shape, plan.backups, random);
      instances.push({
        id,
        account: shape.account,
        service: api.split('/')[1] as string,
        region: shape.region,
        ...(shape.zone !== undefined && { zone: shape.zone }),
        name: `${shape.prefix}-${story}${round > 0 ? `-${round + 1}` : ''}`,
        target: `${shape.prefix}-${story}${round > 0 ? `-${round + 1}` : ''}`,
        labels: { api: api.replace('/', '-'), story },
        story: plan.story,
        expect: plan.expect,
        ...(story === 'missing' && { missing: true }),
        ...(story === 'stale' && { policy: AUTOMATED_OFF }),
        backups,
      });
    }
  }
  // Drawn after every story instance, so they left the ids, credentials and backups of a seed as they were.
  for (const api of SIM_APIS) instances.push(...discoveryExtras(api, instances, random, opts.now, days * 2));
  return { accounts, instances };
}

/** Automated backup switched off: what the stale instances' providers report. */
const AUTOMATED_OFF = { keepDays: 0, window: '02:00-03:00', weekdays: [] } as const;

function withBackupIds(shape: ApiShape, backups: readonly SimBackupInput[], random: () => number): readonly SimBackupInput[] {
  const backupId = shape.backupId;
  return backupId ? backups.map((b) => ({ ...b, id: backupId(random) })) : backups;
}

/** For one API: a healthy primary no target audits, and a read replica of the API's first healthy instance where the API has replicas. */
function discoveryExtras(api: SimApiId, story: readonly SpecInstance[], random: () => number, now: number, count: number): SpecInstance[] {
  const shape = API_SHAPE[api];
  const service = api.split('/')[1] as string;
  const where = { account: shape.account, service, region: shape.region, ...(shape.zone !== undefined && { zone: shape.zone }) };
  const id = shape.instanceId(random);
  const plan = storyPlan(api, 'healthy', random, now, count);
  const extras: SpecInstance[] = [
    {
      id,
      ...where,
      name: `${shape.prefix}-uncovered`,
      untargeted: true,
      labels: { api: api.replace('/', '-'), story: 'uncovered' },
      story: `backed up twice a day, but no target audits it: coverage alarms under ${shape.account}/${service}/${id}`,
      expect: [],
      backups: withBackupIds(shape, plan.backups, random),
    },
  ];
  const primary = story.find((i) => i.account === shape.account && i.service === service && i.labels?.story === 'healthy');
  if (shape.replicaId && primary) {
    // A replica is not backed up itself: its primary's backups are what counts.
    extras.push({
      id: shape.replicaId(random),
      ...where,
      name: `${primary.name ?? primary.id}-replica`,
      replicaOf: primary.id,
      labels: { api: api.replace('/', '-'), story: 'replica' },
      story: `read replica of ${primary.name ?? primary.id}: discovery lists it, nothing alarms`,
      expect: [],
      backups: [],
    });
  }
  return extras;
}

/** One account per cloud, with credentials drawn from the seed (simulator-only, never real). */
function mixedAccounts(random: () => number): SpecAccount[] {
  return [
    {
      name: 'ali-sim',
      cloud: 'aliyun',
      region: 'cn-hangzhou',
      accessKeyId: `LTAI5tSim${token(random, 15, ALNUM)}`,
      accessKeySecret: `sim${token(random, 27, ALNUM)}`,
    },
    {
      name: 'uc-sim',
      cloud: 'ucloud',
      accessKeyId: `simulator-${token(random, 6, LOWER)}@example.invalid${token(random, 19, DIGITS)}`,
      accessKeySecret: token(random, 40, HEX),
    },
    {
      name: 'otc-sim',
      cloud: 'otc',
      region: 'eu-de',
      projectId: token(random, 32, HEX),
      accessKeyId: token(random, 20, UPPER),
      accessKeySecret: token(random, 40, ALNUM),
      password: { domain: 'sim-domain', user: 'auditor', password: `Sim-${token(random, 16, ALNUM)}` },
      auth: 'password',
    },
    {
      name: 'hw-sim',
      cloud: 'huaweicloud',
      region: 'ap-southeast-1',
      projectId: token(random, 32, HEX),
      accessKeyId: token(random, 20, UPPER),
      accessKeySecret: token(random, 40, ALNUM),
      auth: 'aksk',
    },
  ];
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';

function token(random: () => number, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
