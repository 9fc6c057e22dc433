import { registry } from '../core/registry.js';
import { aliyunRdsInstances } from './aliyun/instances.js';
import type { InstanceSource } from './discovery-types.js';
import { huaweiDdsInstances, otcRdsInstances } from './huaweicloud/instances.js';
import { ucloudTidbInstances, ucloudUpgsqlInstances } from './ucloud/instances.js';

/** Every list-instances adapter, by `<cloud>/<service>` (the same ids as the backup sources). */
export const instanceSources = registry<InstanceSource>('instance source', [
  aliyunRdsInstances,
  ucloudUpgsqlInstances,
  ucloudTidbInstances,
  otcRdsInstances,
  huaweiDdsInstances,
]);
