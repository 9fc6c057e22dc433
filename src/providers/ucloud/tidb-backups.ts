import type { BackupSource } from '../types.js';
import { type UcloudAccount, ucloudClient } from './client.js';
import { normalizeTidbBackup } from './normalize.js';
import { invalidPage, pageByOffset, targetIncomplete } from './paging.js';
import { parseTidbPage } from './schema.js';

const ACTION = 'ListTiDBClusterBackup';
/** The largest (and default) Limit ListTiDBClusterBackup documents. */
const LIMIT = 30;

/**
 * UCloud TiDB cluster backups through ListTiDBClusterBackup (`Id` = the target's instance, `Region`
 * = its region). Pages of 30; TotalCount is optional, so without it a short page ends the listing.
 */
export const ucloudTidbBackups: BackupSource<UcloudAccount> = {
  id: 'ucloud/tidb',
  cloud: 'ucloud',
  service: 'tidb',
  async *list(account, accountName, target, ctx) {
    if (!target.region) throw targetIncomplete(target, `UCloud TiDB needs a region (${ACTION} requires Region)`);
    const client = ucloudClient(account, accountName, ctx);
    const params = { Region: target.region, Id: target.instance };
    yield* pageByOffset(ctx, target, {
      action: ACTION,
      limit: LIMIT,
      async fetch(offset, limit) {
        const parsed = parseTidbPage(await client.call(ACTION, { ...params, Offset: offset, Limit: limit }));
        if (!parsed.ok) throw invalidPage(ACTION, offset, parsed.problem);
        return { items: parsed.page.items.map(normalizeTidbBackup), total: parsed.page.total };
      },
    });
  },
};
