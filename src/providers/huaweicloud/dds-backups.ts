import type { BackupPage, BackupSource, PollTarget, ProviderContext } from '../types.js';
import { listBackups } from './backup-listing.js';
import { checkTargetRegion, type GatewaySourceDeps, gatewayClientFor, type HuaweicloudAccount } from './gateway-client.js';
import { IamTokenCache } from './iam.js';
import { normalizeDdsBackup } from './normalize.js';

export type { HuaweicloudAccount } from './gateway-client.js';

/** The DDS endpoint of a region, used when an account sets no `endpoint`. */
export const huaweiDdsEndpoint = (region: string): string => `https://dds.${region}.myhuaweicloud.com`;

const LABEL = 'huaweicloud dds';

/**
 * Huawei Cloud DDS (Document Database Service) v3 backups of one instance
 * (`GET /v3/{project_id}/backups?instance_id=...`), with AK/SK signing or an IAM password token.
 * The API can also list a whole project; a target is one instance, so `instance_id` is always sent.
 */
export function createHuaweiDdsBackups(deps: GatewaySourceDeps = {}): BackupSource<HuaweicloudAccount> {
  const tokens = deps.tokens ?? new IamTokenCache();
  return {
    id: 'huaweicloud/dds',
    cloud: 'huaweicloud',
    service: 'dds',
    async *list(account: HuaweicloudAccount, accountName: string, target: PollTarget, ctx: ProviderContext): AsyncIterable<BackupPage> {
      checkTargetRegion(account, accountName, target.region, LABEL);
      const client = gatewayClientFor(account, accountName, ctx, { label: LABEL, defaultEndpoint: huaweiDdsEndpoint }, tokens);
      yield* listBackups(client, target, { label: LABEL, timeFormat: 'utc-space', normalize: normalizeDdsBackup }, ctx);
    },
  };
}

/** The registered instance; it keeps tokens for the life of the process (until shortly before they expire). */
export const huaweiDdsBackups = createHuaweiDdsBackups();
