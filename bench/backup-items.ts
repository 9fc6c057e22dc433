import { iso } from '../src/core/clock.js';
import type { NormalizedBackup } from '../src/domain/backup.js';
import { normalizeAliyunBackup } from '../src/providers/aliyun/normalize.js';
import { normalizeOtcRdsBackup } from '../src/providers/huaweicloud/normalize.js';

// The benchmarks store what the adapters would store: provider items in the providers' own shape
// (signed download links included, so redaction runs), passed through the real normalizers. Row
// sizes, and with them SQLite page counts, are then those of production.

/** One backup as a figure describes it, before it is rendered in a provider's shape. */
export interface BackupSpec {
  readonly id: number;
  /** `completed`, `failed` or (OTC only: Alibaba lists no running backups) `running`. */
  readonly outcome: 'completed' | 'failed' | 'running';
  readonly manual?: boolean;
  readonly startedAt: number;
  /** Ignored for a running backup. */
  readonly endedAt: number;
  readonly sizeBytes: number;
}

const ALIYUN_STATUS = { completed: 'Success', failed: 'Failed' } as const;

/** A DescribeBackups item as Alibaba renders it, normalized by the Alibaba adapter's normalizer. */
export function aliyunBackup(instance: string, spec: BackupSpec): NormalizedBackup {
  if (spec.outcome === 'running') throw new Error('Alibaba DescribeBackups lists finished backups only');
  const hostId = String(5_000_000 + (spec.id % 1_000_000));
  const failed = spec.outcome === 'failed';
  const link = (intranet: boolean): string =>
    failed
      ? ''
      : `https://rdsbak-cn-hangzhou.oss-cn-hangzhou${intranet ? '-internal' : ''}.aliyuncs.com` +
        `/custins${hostId}/hins${hostId}/${spec.id}_qp.xb` +
        `?OSSAccessKeyId=LTAI4SimOssDownloadKey&Expires=${Math.floor(spec.endedAt / 1000) + 43_200}` +
        '&Signature=bm90LWEtcmVhbC1zaWduYXR1cmUtJTNEJTNE';
  return normalizeAliyunBackup({
    BackupId: spec.id,
    DBInstanceId: instance,
    HostInstanceID: hostId,
    BackupStatus: ALIYUN_STATUS[spec.outcome],
    BackupStartTime: iso(spec.startedAt),
    BackupEndTime: iso(spec.endedAt),
    BackupType: 'FullBackup',
    BackupMode: spec.manual ? 'Manual' : 'Automated',
    BackupMethod: 'Physical',
    BackupDownloadURL: link(false),
    BackupIntranetDownloadURL: link(true),
    BackupSize: failed ? 0 : spec.sizeBytes,
    StoreStatus: 'Disabled',
    BackupScale: 'DBInstance',
    BackupInitiator: spec.manual ? 'User' : 'System',
    ConsistentTime: Math.floor(spec.endedAt / 1000),
    StorageClass: '0',
    Encryption: '{}',
  });
}

const OTC_STATUS = { completed: 'COMPLETED', failed: 'FAILED', running: 'BUILDING' } as const;

/** An OTC RDS v3 `backups` item (times with an offset, size in kB), normalized by the OTC normalizer. */
export function otcBackup(instance: string, spec: BackupSpec): NormalizedBackup {
  const running = spec.outcome === 'running';
  return normalizeOtcRdsBackup({
    id: `${spec.id.toString(16).padStart(32, '0')}br01`,
    name: `${spec.manual ? 'manual' : 'auto'}-${spec.id}`,
    type: spec.manual ? 'manual' : 'auto',
    size: running || spec.outcome === 'failed' ? 0 : Math.round(spec.sizeBytes / 1024),
    status: OTC_STATUS[spec.outcome],
    begin_time: otcTime(spec.startedAt),
    end_time: running ? '' : otcTime(spec.endedAt),
    datastore: { type: 'PostgreSQL', version: '14' },
    databases: [{ name: 'app' }],
    instance_id: instance,
  });
}

/** `2018-08-06T12:41:14+0000`: the OTC form (offset without a colon). */
function otcTime(ms: number): string {
  return iso(ms).replace(/Z$/, '+0000');
}
