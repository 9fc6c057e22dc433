import { z } from 'zod';
import { ProviderError } from '../../core/errors.js';
import type { BackupPolicy } from '../../domain/policy.js';
import { type DiscoveredInstance, type InstanceSource, parseWeekdayNames, parseWindow } from '../discovery-types.js';
import { parseJsonBody, safeHost, send, withPageRetry } from '../http.js';
import type { ProviderContext } from '../types.js';
import { aliyunError, aliyunResponseError, errorBody } from './errors.js';
import { ALIYUN_RDS_ENDPOINT, type AliyunAccount } from './rds-backups.js';
import { describeIssues } from './schema.js';
import { signedRpcParams, toQueryString } from './signer.js';
import { signedAcs3Headers } from './signer-v3.js';

const VERSION = '2014-08-15';
const PAGE_SIZE = 100;
const HARD_MAX_PAGES = 10_000;
const REPLICA_TYPES = new Set(['Readonly', 'Guard', 'Temp']);
const count = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/).transform(Number)]);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

const instancesPage = z.looseObject({
  TotalRecordCount: count,
  PageNumber: count,
  Items: z
    .looseObject({
      DBInstance: z
        .array(
          z.looseObject({
            DBInstanceId: z.string().min(1),
            DBInstanceDescription: text,
            DBInstanceStatus: text,
            DBInstanceType: text,
            CreateTime: text,
            ZoneId: text,
            RegionId: text,
            MasterInstanceId: text,
          }),
        )
        .nullish(),
    })
    .nullish(),
});
const policyBody = z.looseObject({
  BackupRetentionPeriod: count.nullish(),
  PreferredBackupTime: text,
  PreferredBackupPeriod: text,
});

/**
 * One Alibaba RDS RPC call, signed (v1 query or v3 headers, as the account says) and retried on its
 * own; the answer is validated by `schema`. The same wire behaviour as DescribeBackups.
 */
async function rpc<T>(
  ctx: ProviderContext,
  account: AliyunAccount,
  accountName: string,
  action: string,
  params: Record<string, string>,
  schema: z.ZodType<T>,
): Promise<T> {
  const creds = {
    accessKeyId: ctx.secret(account.accessKeyId, `accounts.${accountName}.accessKeyId`),
    accessKeySecret: ctx.secret(account.accessKeySecret, `accounts.${accountName}.accessKeySecret`),
    securityToken:
      account.securityToken === undefined ? undefined : ctx.secret(account.securityToken, `accounts.${accountName}.securityToken`),
  };
  const endpoint = (account.endpoint ?? ALIYUN_RDS_ENDPOINT).replace(/\/+$/, '');
  const secrets = [creds.accessKeySecret, ...(creds.securityToken ? [creds.securityToken] : [])];
  return withPageRetry(ctx, async () => {
    let url: string;
    let headers: Record<string, string> = { accept: 'application/json' };
    let method: 'GET' | 'POST' = 'GET';
    if (account.signatureVersion === 'v3') {
      url = `${endpoint}/?${toQueryString(params)}`;
      method = 'POST';
      headers = { ...headers, ...signedAcs3Headers({ url, method, action, version: VERSION, query: params, ...creds, now: ctx.clock() }) };
    } else {
      const signed = signedRpcParams({ method: 'GET', action, version: VERSION, ...creds, now: ctx.clock(), params });
      url = `${endpoint}/?${toQueryString(signed)}`;
    }
    const res = await send(ctx, { method, url, headers });
    if (res.status < 200 || res.status > 299) throw aliyunResponseError(res, secrets);
    const parsed = schema.safeParse(parseJsonBody(res, url));
    if (parsed.success) return parsed.data;
    const error = errorBody(res.text);
    if (error) throw aliyunError(res.status, error, secrets);
    throw new ProviderError(
      'invalid-response',
      `aliyun ${action}: answer from ${safeHost(url)} is not a ${action} response: ${describeIssues(parsed.error.issues)}`,
      { permanent: true },
    );
  });
}

/**
 * Alibaba RDS instances through DescribeDBInstances (pages of 100 until TotalRecordCount) in the
 * account's region and any `discover.regions`; `Readonly`, `Guard` and `Temp` instances are replicas.
 */
export const aliyunRdsInstances: InstanceSource<AliyunAccount> = {
  id: 'aliyun/rds',
  cloud: 'aliyun',
  service: 'rds',
  async list(account, accountName, scope, ctx) {
    const out: DiscoveredInstance[] = [];
    const regions = scope.regions.length > 0 ? scope.regions : [account.regionId];
    for (const region of regions) {
      const seen = new Set<string>();
      let total: number | undefined;
      for (let n = 1; ; n++) {
        if (n > HARD_MAX_PAGES) throw changed(`${n} pages and no end`);
        const page = await rpc(
          ctx,
          account,
          accountName,
          'DescribeDBInstances',
          { RegionId: region, PageSize: String(PAGE_SIZE), PageNumber: String(n) },
          instancesPage,
        );
        if (total === undefined) total = page.TotalRecordCount;
        else if (total !== page.TotalRecordCount) throw changed(`TotalRecordCount went from ${total} to ${page.TotalRecordCount}`);
        const items = page.Items?.DBInstance ?? [];
        for (const i of items) {
          if (seen.has(i.DBInstanceId)) throw changed(`instance ${i.DBInstanceId} listed twice`);
          seen.add(i.DBInstanceId);
          const created = i.CreateTime ? Date.parse(i.CreateTime) : Number.NaN;
          out.push({
            instance: i.DBInstanceId,
            name: i.DBInstanceDescription,
            region: i.RegionId ?? region,
            zone: i.ZoneId,
            status: i.DBInstanceStatus ?? 'unknown',
            replica: REPLICA_TYPES.has(i.DBInstanceType ?? ''),
            primary: i.MasterInstanceId,
            createdAt: Number.isNaN(created) ? null : created,
            tags: {},
          });
        }
        if (seen.size >= total || items.length === 0) {
          if (seen.size !== total) throw changed(`pages hold ${seen.size} of ${total} instances`);
          break;
        }
      }
    }
    return out;
  },
  async policy(account, accountName, instance, ctx) {
    const p = await rpc(
      ctx,
      account,
      accountName,
      'DescribeBackupPolicy',
      { DBInstanceId: instance.instance, ...(instance.region ? { RegionId: instance.region } : {}) },
      policyBody,
    );
    const days = p.BackupRetentionPeriod ?? null;
    const weekdays = parseWeekdayNames(p.PreferredBackupPeriod);
    const policy: BackupPolicy = {
      // Alibaba cannot switch automated backup off; an empty period is the nearest thing.
      automated: days === 0 ? false : weekdays === null ? null : weekdays.length > 0,
      retentionDays: days,
      retentionIsCount: false,
      window: parseWindow(p.PreferredBackupTime),
      weekdays,
      source: 'DescribeBackupPolicy',
    };
    return policy;
  },
};

function changed(detail: string): ProviderError {
  return new ProviderError(
    'invalid-response',
    `aliyun DescribeDBInstances: listing changed while paging; retry next discovery (${detail})`,
    { permanent: true },
  );
}
