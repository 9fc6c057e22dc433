import type { Cloud } from '../config/schema.js';
import { registry } from '../core/registry.js';
import { aliyunRdsBackups } from './aliyun/rds-backups.js';
import { huaweiDdsBackups } from './huaweicloud/dds-backups.js';
import { otcRdsBackups } from './huaweicloud/otc-rds-backups.js';
import type { BackupSource } from './types.js';
import { ucloudTidbBackups } from './ucloud/tidb-backups.js';
import { ucloudUpgsqlBackups } from './ucloud/upgsql-backups.js';

/**
 * Every backup source, by `<cloud>/<service>`. Each adapter is typed for its own account shape;
 * `sourceFor` is looked up with the target's account, whose `cloud` picks the matching adapter.
 */
export const backupSources = registry<BackupSource>('backup source', [
  aliyunRdsBackups,
  ucloudUpgsqlBackups,
  ucloudTidbBackups,
  otcRdsBackups,
  huaweiDdsBackups,
]);

/** The adapter for a cloud and service, or an error naming what is supported. */
export function sourceFor(cloud: Cloud, service: string): BackupSource {
  const source = backupSources.find(`${cloud}/${service}`);
  if (!source) {
    throw new Error(`no backup source for service "${service}" on cloud "${cloud}"; supported: ${backupSources.ids.join(', ')}`);
  }
  return source;
}
