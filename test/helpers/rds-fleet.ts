import { Fleet, type SimAccount, type SimBackupInput } from '../../src/simulator/index.js';

const HOUR = 3_600_000;

/** How a series of backups is spaced and what each one is; every field has a default. */
export interface SeriesShape {
  /** From the end of one backup to the end of the one before; a day by default. */
  readonly everyMs?: number;
  /** How long each one ran; an hour by default. */
  readonly runMs?: number;
  /** 1 GB by default. */
  readonly sizeBytes?: number;
  /** Alibaba's word; `Success` by default. */
  readonly status?: string;
}

/** `n` full automated backups, newest first, the newest ending at `lastEnd` (by default daily, an hour's run, 1 GB, `Success`). */
export function backupSeries(lastEnd: number, n: number, shape: SeriesShape = {}): SimBackupInput[] {
  const { everyMs = 24 * HOUR, runMs = HOUR, sizeBytes = 1e9, status = 'Success' } = shape;
  return Array.from({ length: n }, (_, i) => ({
    status,
    kind: 'full',
    mode: 'Automated',
    startedAt: lastEnd - i * everyMs - runMs,
    endedAt: lastEnd - i * everyMs,
    sizeBytes,
  }));
}

/** An Alibaba access key pair, with the provider's quota for it if any. */
export type AliyunKey = Omit<SimAccount, 'cloud'>;

/** A fleet with one Alibaba account and an RDS instance in cn-hangzhou per entry of `backups` (instance id → its backups). */
export function rdsFleet(key: AliyunKey, backups: Record<string, readonly SimBackupInput[]>): Fleet {
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', ...key });
  for (const [id, list] of Object.entries(backups))
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id, regionId: 'cn-hangzhou', backups: list });
  return fleet;
}

/** Instance ids `rm-0` … `rm-<n-1>`, each mapped to `backups()`: the `backups` argument of `rdsFleet` for numbered instances. */
export function numberedInstances(n: number, backups: (i: number) => readonly SimBackupInput[]): Record<string, readonly SimBackupInput[]> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`rm-${i}`, backups(i)]));
}

/**
 * The YAML flow mapping of an Alibaba account in cn-hangzhou at `endpoint`:
 * `{ cloud: aliyun, regionId: cn-hangzhou, endpoint: "…", accessKeyId: …, accessKeySecret: …[, more] }`.
 * `secret` is the YAML of the secret (a literal or `{ env: NAME }`); `more` adds fields such as `rateLimit`.
 */
export function aliyunAccountYaml(endpoint: string, accessKeyId: string, secret: string, more = ''): string {
  const fields = [`endpoint: "${endpoint}"`, `accessKeyId: ${accessKeyId}`, `accessKeySecret: ${secret}`, ...(more ? [more] : [])];
  return `{ cloud: aliyun, regionId: cn-hangzhou, ${fields.join(', ')} }`;
}

/** YAML lines of targets `db-0` … `db-<n-1>` auditing RDS instances `rm-0` … of account `ali`, one per line, no trailing newline. */
export function numberedTargetsYaml(n: number): string {
  return Array.from({ length: n }, (_, i) => `  - { id: db-${i}, account: ali, service: rds, instance: rm-${i} }`).join('\n');
}

/** One full automated Alibaba backup that failed, ending at `endedAt` after an hour's run. */
export function failedBackup(endedAt: number): SimBackupInput {
  return { status: 'Failed', kind: 'full', mode: 'Automated', startedAt: endedAt - HOUR, endedAt, sizeBytes: 0 };
}
