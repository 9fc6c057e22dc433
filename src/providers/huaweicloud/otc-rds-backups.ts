import type { BackupPage, BackupSource, PollTarget, ProviderContext } from '../types.js';
import { listBackups } from './backup-listing.js';
import { checkTargetRegion, type GatewaySourceDeps, gatewayClientFor, type OtcAccount } from './gateway-client.js';
import { IamTokenCache } from './iam.js';
import { normalizeOtcRdsBackup } from './normalize.js';

export type { OtcAccount } from './gateway-client.js';

/** The RDS endpoint of a region, used when an account sets no `endpoint`. */
export const otcRdsEndpoint = (region: string): string => `https://rds.${region}.otc.t-systems.com`;

const LABEL = 'otc rds';

/**
 * Open Telekom Cloud RDS v3 backups (`GET /v3/{project_id}/backups?instance_id=...`), MySQL,
 * PostgreSQL and SQL Server alike, with AK/SK signing or an IAM password token. Pages of 100 by
 * offset until `total_count`; see `listBackups` for what makes a listing fail as inconsistent.
 */
export function createOtcRdsBackups(deps: GatewaySourceDeps = {}): BackupSource<OtcAccount> {
  const tokens = deps.tokens ?? new IamTokenCache();
  return {
    id: 'otc/rds',
    cloud: 'otc',
    service: 'rds',
    async *list(account: OtcAccount, accountName: string, target: PollTarget, ctx: ProviderContext): AsyncIterable<BackupPage> {
      checkTargetRegion(account, accountName, target.region, LABEL);
      const client = gatewayClientFor(account, accountName, ctx, { label: LABEL, defaultEndpoint: otcRdsEndpoint }, tokens);
      yield* listBackups(client, target, { label: LABEL, timeFormat: 'offset', normalize: normalizeOtcRdsBackup }, ctx);
    },
  };
}

/** The registered instance; it keeps tokens for the life of the process (until shortly before they expire). */
export const otcRdsBackups = createOtcRdsBackups();
