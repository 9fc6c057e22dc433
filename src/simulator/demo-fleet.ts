import { randomBytes } from 'node:crypto';
import { Fleet, type SimBackupInput } from './fleet.js';

const H = 3_600_000;
const GIB = 1024 ** 3;

export interface DemoInstance {
  /** The target id the demo config gives it. */
  readonly target: string;
  readonly instance: string;
  readonly labels: Readonly<Record<string, string>>;
  /** What the demo expects the auditor to say about it. */
  readonly story: string;
}

/** The demo's account and instances: some compliant, some not, one that no longer exists. */
export function demoFleet(now: number): { fleet: Fleet; accessKeyId: string; accessKeySecret: string; instances: DemoInstance[] } {
  const accessKeyId = 'LTAI5tDemoAccount0001';
  const accessKeySecret = randomBytes(15).toString('base64url');
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', accessKeyId, accessKeySecret });
  const daily = (lastEnd: number, days: number, size: number, over: (d: number) => Partial<SimBackupInput> = () => ({})): SimBackupInput[] =>
    Array.from({ length: days }, (_, d) => ({
      status: 'Success', kind: 'full', mode: 'Automated', method: 'Physical',
      startedAt: lastEnd - d * 24 * H - 40 * 60_000, endedAt: lastEnd - d * 24 * H, sizeBytes: size - d * 7_000_000, ...over(d),
    }));
  const add = (id: string, backups: SimBackupInput[]) => fleet.addInstance({ cloud: 'aliyun', service: 'rds', id, regionId: 'cn-hangzhou', backups });
  add('rm-bp1orders0001', daily(now - 3 * H, 14, 42 * GIB));
  add('rm-bp1payments001', daily(now - 30 * H, 14, 18 * GIB));
  add('rm-bp1analytics01', [
    { status: 'Failed', kind: 'full', mode: 'Automated', startedAt: now - 2 * H - 25 * 60_000, endedAt: now - 2 * H, sizeBytes: 0 },
    ...daily(now - 26 * H, 13, 120 * GIB),
  ]);
  add('rm-bp1inventory01', daily(now - 5 * H, 10, 9 * GIB, (d) => (d === 0 ? { sizeBytes: 310 * 1024 ** 2 } : {})));
  return {
    fleet,
    accessKeyId,
    accessKeySecret,
    instances: [
      { target: 'orders-db', instance: 'rm-bp1orders0001', labels: { team: 'checkout', env: 'prod' }, story: 'backed up 3h ago: compliant' },
      { target: 'payments-db', instance: 'rm-bp1payments001', labels: { team: 'payments', env: 'prod' }, story: 'last completed backup 30h ago' },
      { target: 'analytics-db', instance: 'rm-bp1analytics01', labels: { team: 'data', env: 'prod' }, story: "tonight's backup FAILED" },
      { target: 'inventory-db', instance: 'rm-bp1inventory01', labels: { team: 'checkout', env: 'staging' }, story: 'newest backup is 3% of the usual size' },
      { target: 'legacy-db', instance: 'rm-bp1legacy00001', labels: { team: 'platform', env: 'prod' }, story: 'instance deleted at the provider' },
    ],
  };
}
