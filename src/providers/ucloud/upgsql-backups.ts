import type { BackupSource } from '../types.js';
import { type UcloudAccount, ucloudClient } from './client.js';
import { normalizeUpgsqlBackup } from './normalize.js';
import { invalidPage, pageByOffset, targetIncomplete } from './paging.js';
import { parseUpgsqlPage } from './schema.js';

const ACTION = 'ListUPgSQLBackup';
/** The largest Limit ListUPgSQLBackup accepts (default 20): fewest requests against the rate limit. */
const LIMIT = 100;

/**
 * UCloud UPgSQL (PostgreSQL) backups through ListUPgSQLBackup, which needs the target's `region`
 * (UCloud Region) and `zone` besides the instance id. Pages of 100 until TotalCount; every backup
 * type (automatic and manual) is listed.
 */
export const ucloudUpgsqlBackups: BackupSource<UcloudAccount> = {
  id: 'ucloud/upgsql',
  cloud: 'ucloud',
  service: 'upgsql',
  async *list(account, accountName, target, ctx) {
    if (!target.region || !target.zone)
      throw targetIncomplete(target, `UCloud UPgSQL needs region and zone (${ACTION} requires Region and Zone)`);
    const client = ucloudClient(account, accountName, ctx);
    const params = { Region: target.region, Zone: target.zone, InstanceID: target.instance };
    yield* pageByOffset(ctx, target, {
      action: ACTION,
      limit: LIMIT,
      async fetch(offset, limit) {
        const parsed = parseUpgsqlPage(await client.call(ACTION, { ...params, Offset: offset, Limit: limit }));
        if (!parsed.ok) throw invalidPage(ACTION, offset, parsed.problem);
        return { items: parsed.page.items.map(normalizeUpgsqlBackup), total: parsed.page.total };
      },
    });
  },
};
