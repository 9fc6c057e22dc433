import { randomBytes } from 'node:crypto';
import type { Fleet, SimBackupInput } from './fleet.js';
import { buildFleet, type FleetSpec, providerStatus, type SimApiId, type SpecInstance } from './fleet-spec.js';

const H = 3_600_000;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** One demo target: where it lives and what the demo expects the auditor to say about it. */
export interface DemoInstance {
  /** The target id the demo config gives it. */
  readonly target: string;
  readonly instance: string;
  /** `<cloud>/<service>`. */
  readonly api: SimApiId;
  readonly labels: Readonly<Record<string, string>>;
  readonly story: string;
}

/** An instance the demo config does not target, which discovery lists all the same. */
export interface DemoDiscovered {
  /** `<account>/<service>/<instance>`: where a `coverage` finding of it hangs. */
  readonly id: string;
  readonly api: SimApiId;
  readonly story: string;
}

/** The demo's fleet over all five APIs, and the instance whose manual backup is act three. */
export interface DemoFleet {
  readonly spec: FleetSpec;
  readonly fleet: Fleet;
  readonly instances: readonly DemoInstance[];
  /** A primary no target audits (coverage alarms) and a read replica (nothing alarms). */
  readonly discovered: readonly DemoDiscovered[];
  /** Adds the manual backup of act three ("someone ran a manual backup of payments-db"). */
  manualBackup(now: number): void;
  readonly manualBackupTarget: string;
}

/** Daily completed backups (generic words), newest ending at `lastEnd`, sizes in whole MiB so every API's unit is exact. */
function daily(lastEnd: number, days: number, size: number, over: (d: number) => Partial<SimBackupInput> = () => ({})): SimBackupInput[] {
  return Array.from({ length: days }, (_, d) => ({
    status: 'completed',
    kind: 'full',
    mode: 'Automated',
    startedAt: lastEnd - d * 24 * H - 40 * 60_000,
    endedAt: lastEnd - d * 24 * H,
    sizeBytes: size - d * 7 * MIB,
    ...over(d),
  }));
}

/**
 * The demo's accounts (one per cloud, fresh random secrets each run) and six targets across the five
 * APIs: compliant, stale (its automated backup switched off), failed, stuck, shrinking, and one
 * deleted at the provider; and for discovery a database no target audits and a read replica.
 */
export function demoFleet(now: number): DemoFleet {
  const secret = () => randomBytes(15).toString('base64url');
  const instances: (SpecInstance & { target: string; labels: Record<string, string>; story: string })[] = [
    {
      id: 'rm-bp1orders0001',
      account: 'ali-demo',
      service: 'rds',
      target: 'orders-db',
      labels: { team: 'checkout', env: 'prod' },
      story: 'backed up 3h ago: compliant',
      backups: daily(now - 3 * H, 14, 42 * GIB),
    },
    {
      id: 'upgsql-payments1',
      account: 'uc-demo',
      service: 'upgsql',
      region: 'cn-bj2',
      zone: 'cn-bj2-04',
      target: 'payments-db',
      labels: { team: 'payments', env: 'prod' },
      story: 'automated backup switched off: last completed backup 30h ago',
      policy: { keepDays: 0, window: '02:00-03:00', weekdays: [] },
      backups: daily(now - 30 * H, 14, 18 * GIB),
    },
    {
      id: '3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e2bin01',
      account: 'otc-demo',
      service: 'rds',
      target: 'analytics-db',
      labels: { team: 'data', env: 'prod' },
      story: "tonight's backup FAILED",
      backups: [
        { status: 'failed', kind: 'full', mode: 'Automated', startedAt: now - 2 * H - 25 * 60_000, endedAt: now - 2 * H, sizeBytes: 0 },
        ...daily(now - 26 * H, 13, 120 * GIB),
      ],
    },
    {
      id: 'tidb-search01',
      account: 'uc-demo',
      service: 'tidb',
      region: 'cn-bj2',
      target: 'search-db',
      labels: { team: 'search', env: 'prod' },
      story: 'a backup has been running for 9h',
      backups: [
        { status: 'running', kind: 'full', mode: 'Automated', startedAt: now - 9 * H, endedAt: null, sizeBytes: 0 },
        ...daily(now - 14 * H, 14, 64 * GIB),
      ],
    },
    {
      id: '8d2e4f6a0b1c3e5d7f9a2c4e6b8d0f1ain02',
      account: 'hw-demo',
      service: 'dds',
      name: 'inventory',
      target: 'inventory-db',
      labels: { team: 'checkout', env: 'staging' },
      story: 'newest backup is 3% of the usual size',
      backups: daily(now - 5 * H, 10, 9 * GIB, (d) => (d === 0 ? { sizeBytes: 310 * MIB } : {})),
    },
    {
      id: 'rm-bp1legacy00001',
      account: 'ali-demo',
      service: 'rds',
      target: 'legacy-db',
      labels: { team: 'platform', env: 'prod' },
      story: 'instance deleted at the provider',
      missing: true,
      backups: [],
    },
  ];
  const extras: (SpecInstance & { story: string })[] = [
    {
      id: 'upgsql-reports01',
      account: 'uc-demo',
      service: 'upgsql',
      region: 'cn-bj2',
      zone: 'cn-bj2-04',
      name: 'reports',
      untargeted: true,
      story: 'created last week; no target audits it',
      backups: daily(now - 4 * H, 7, 6 * GIB),
    },
    {
      id: 'rr-bp1orders0001r',
      account: 'ali-demo',
      service: 'rds',
      name: 'orders-replica',
      replicaOf: 'rm-bp1orders0001',
      story: 'read replica of orders-db: listed, nothing to audit',
      backups: [],
    },
  ];
  const spec: FleetSpec = {
    accounts: [
      {
        name: 'ali-demo',
        cloud: 'aliyun',
        region: 'cn-hangzhou',
        accessKeyId: 'LTAI5tDemoAccount0001',
        accessKeySecret: secret(),
        signatureVersion: 'v3',
      },
      { name: 'uc-demo', cloud: 'ucloud', accessKeyId: 'demo@example.invalid1296235120854146120', accessKeySecret: secret() },
      {
        name: 'otc-demo',
        cloud: 'otc',
        region: 'eu-de',
        projectId: '0483b6b16e954cb88930a360d2c4e663',
        accessKeyId: 'DEMOOTCACCESSKEY0001',
        accessKeySecret: secret(),
        password: { domain: 'demo', user: 'auditor', password: secret() },
        auth: 'password',
      },
      {
        name: 'hw-demo',
        cloud: 'huaweicloud',
        region: 'ap-southeast-1',
        projectId: '77b6a44cba5143ab91d13ab9a8ff44fd',
        accessKeyId: 'DEMOHWACCESSKEY00001',
        accessKeySecret: secret(),
      },
    ],
    instances: [...instances, ...extras],
  };
  const fleet = buildFleet(spec);
  const cloudOf = new Map(spec.accounts.map((a) => [a.name, a.cloud]));
  const payments = instances[1] as SpecInstance;
  return {
    spec,
    fleet,
    instances: instances.map((i) => ({
      target: i.target,
      instance: i.id,
      api: `${cloudOf.get(i.account)}/${i.service}` as SimApiId,
      labels: i.labels,
      story: i.story,
    })),
    discovered: extras.map((i) => ({
      id: `${i.account}/${i.service}/${i.id}`,
      api: `${cloudOf.get(i.account)}/${i.service}` as SimApiId,
      story: i.story,
    })),
    manualBackupTarget: 'payments-db',
    manualBackup(at) {
      const status = providerStatus('ucloud/upgsql', 'completed') as string;
      fleet.addBackup(payments.id, {
        status,
        kind: 'full',
        mode: 'Manual',
        startedAt: at - 20 * 60_000,
        endedAt: at - 60_000,
        sizeBytes: 18 * GIB,
      });
    },
  };
}
