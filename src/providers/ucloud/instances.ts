import { z } from 'zod';
import { ProviderError } from '../../core/errors.js';
import type { BackupPolicy, PolicyUnavailable } from '../../domain/policy.js';
import { describeIssues } from '../aliyun/schema.js';
import type { DiscoveredInstance, InstanceSource } from '../discovery-types.js';
import { parseWindow } from '../discovery-types.js';
import { type UcloudAccount, ucloudClient } from './client.js';

const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));
const seconds = z.union([z.number(), z.string()]).nullish();

const pgItem = z.looseObject({
  InstanceID: z.string().min(1),
  Name: text,
  Zone: text,
  InstanceMode: text,
  State: text,
  CreateTime: seconds,
});
type PgItem = z.infer<typeof pgItem>;
const pgList = z.looseObject({ DataSet: z.array(pgItem.extend({ DataSet: z.array(pgItem).nullish() })).nullish() });
const tidbList = z.looseObject({
  Data: z
    .array(z.looseObject({ Id: z.string().min(1), Name: text, State: text, CreateTime: seconds, AutoBackup: text, Zone: text }))
    .nullish(),
});
const pgInstance = z.looseObject({
  DataSet: z.looseObject({
    BackupCount: z.coerce.number().int().nonnegative().nullish(),
    BackupBeginTime: z.coerce.number().int().min(0).max(23).nullish(),
    BackupDate: text,
  }),
});

/** TiDB pages (Limit is sent as text, max 100); no TotalCount, so a short page ends the listing. */
const TIDB_LIMIT = 100;
const MAX_TIDB_PAGES = 1_000;

function parse<T>(schema: z.ZodType<T>, json: unknown, action: string): T {
  const r = schema.safeParse(json);
  if (!r.success)
    throw new ProviderError('invalid-response', `ucloud ${action}: not a ${action} response: ${describeIssues(r.error.issues)}`, {
      permanent: true,
    });
  return r.data;
}

const epoch = (v: string | number | null | undefined): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n * 1000 : null;
};

/** UCloud still lists a removed instance for a while, in state `Deleted`: it is not a current instance. */
const isDeleted = (state: string | null): boolean => state !== null && state.trim().toLowerCase() === 'deleted';

function pgInstanceOf(item: PgItem, region: string, primary: string | null): DiscoveredInstance {
  return {
    instance: item.InstanceID,
    name: item.Name,
    region,
    zone: item.Zone,
    status: item.State ?? 'unknown',
    replica: primary !== null || item.InstanceMode === 'readonly',
    primary,
    createdAt: epoch(item.CreateTime),
    tags: {},
  };
}

/**
 * UCloud UPgSQL instances through ListUPgSQLInstance (one call per region returns all; read replicas
 * nested in each primary's `DataSet`). Instances in state `Deleted` are left out: they no longer exist.
 */
export const ucloudUpgsqlInstances: InstanceSource<UcloudAccount> = {
  id: 'ucloud/upgsql',
  cloud: 'ucloud',
  service: 'upgsql',
  async list(account, accountName, scope, ctx) {
    const client = ucloudClient(account, accountName, ctx);
    const out: DiscoveredInstance[] = [];
    for (const region of scope.regions) {
      const page = parse(pgList, await client.call('ListUPgSQLInstance', { Region: region }), 'ListUPgSQLInstance');
      for (const item of page.DataSet ?? []) {
        out.push(pgInstanceOf(item, region, null));
        for (const replica of item.DataSet ?? []) out.push(pgInstanceOf(replica, region, item.InstanceID));
      }
    }
    return out.filter((i) => !isDeleted(i.status));
  },
  async policy(account, accountName, instance, ctx) {
    const client = ucloudClient(account, accountName, ctx);
    const body = parse(
      pgInstance,
      await client.call('GetUPgSQLInstance', { Region: instance.region ?? '', InstanceID: instance.instance }),
      'GetUPgSQLInstance',
    );
    return upgsqlPolicy(body.DataSet.BackupCount ?? null, body.DataSet.BackupBeginTime ?? null, body.DataSet.BackupDate);
  },
};

/**
 * GetUPgSQLInstance's policy: `BackupCount` is a number of files kept, not days (equal for a daily
 * schedule), `BackupBeginTime` an hour (a one-hour window is assumed), `BackupDate` a 7-bit weekday mask
 * whose rightmost bit is Sunday, the next Monday, and so on leftwards. An empty mask means no automated backup.
 */
export function upgsqlPolicy(count: number | null, hour: number | null, mask: string | null): BackupPolicy {
  const bits =
    mask !== null && /^[01]{7}$/.test(mask)
      ? mask
      : mask !== null && /^\d+$/.test(mask) && Number(mask) < 128
        ? Number(mask).toString(2).padStart(7, '0')
        : null;
  const weekdays = bits === null ? null : [...bits].reverse().flatMap((b, day) => (b === '1' ? [day] : []));
  return {
    automated: weekdays === null ? null : weekdays.length > 0 && count !== 0,
    retentionDays: count,
    retentionIsCount: true,
    window: hour === null ? null : parseWindow(`${hour}:00-${(hour + 1) % 24}:00`),
    weekdays,
    source: 'GetUPgSQLInstance',
  };
}

/**
 * UCloud TiDB clusters through ListTiDBClusterService (Offset/Limit as strings, no TotalCount: a short
 * page ends it). TiDB exposes no backup policy beyond an undocumented `AutoBackup` word. `Deleted`
 * clusters are left out as for UPgSQL (TiDB's State values are undocumented; that word is taken the same).
 */
export const ucloudTidbInstances: InstanceSource<UcloudAccount> = {
  id: 'ucloud/tidb',
  cloud: 'ucloud',
  service: 'tidb',
  async list(account, accountName, scope, ctx) {
    const client = ucloudClient(account, accountName, ctx);
    const out: DiscoveredInstance[] = [];
    for (const region of scope.regions) {
      const seen = new Set<string>();
      for (let page = 0; ; page++) {
        if (page >= MAX_TIDB_PAGES)
          throw new ProviderError('invalid-response', `ucloud ListTiDBClusterService: ${page} full pages and no end`, { permanent: true });
        const body = parse(
          tidbList,
          await client.call('ListTiDBClusterService', { Region: region, Offset: String(seen.size), Limit: String(TIDB_LIMIT) }),
          'ListTiDBClusterService',
        );
        const items = body.Data ?? [];
        for (const c of items) {
          if (seen.has(c.Id))
            throw new ProviderError(
              'invalid-response',
              `ucloud ListTiDBClusterService: listing changed while paging (cluster ${c.Id} listed twice)`,
              { permanent: true },
            );
          seen.add(c.Id);
          // Counted in `seen` (it takes a place in the paging) but not returned: it no longer exists.
          if (isDeleted(c.State)) continue;
          out.push({
            instance: c.Id,
            name: c.Name,
            region,
            zone: c.Zone,
            status: c.State ?? 'unknown',
            replica: false,
            primary: null,
            createdAt: epoch(c.CreateTime),
            tags: {},
            policy: tidbPolicy(c.AutoBackup),
          });
        }
        if (items.length < TIDB_LIMIT) break;
      }
    }
    return out;
  },
  policy() {
    return Promise.resolve(tidbPolicy(null));
  },
};

function tidbPolicy(autoBackup: string | null): PolicyUnavailable {
  const word = autoBackup === null ? '' : ` (AutoBackup: ${JSON.stringify(autoBackup)}, values undocumented)`;
  return { unavailable: `UCloud TiDB exposes no backup policy${word}` };
}
