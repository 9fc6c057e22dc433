import * as $OpenApi from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';
import rds, * as $Rds from '@alicloud/rds20140815';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { aliyunRdsBackups } from '../src/providers/aliyun/rds-backups.js';
import { undiciTransport } from '../src/providers/transport.js';
import type { ProviderContext } from '../src/providers/types.js';

/** Where the simulator child listens and what it holds. */
export interface ClientBenchTarget {
  readonly url: string;
  readonly instance: string;
  readonly regionId: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

/** Lists every backup of the instance and returns their ids, so the figure can check all clients saw the same list. */
export type Lister = () => Promise<string[]>;

const PAGE_SIZE = 100;

/**
 * Our adapter, driven as the poller drives it: pages collected from the async iterable, over the
 * daemon's own transport (or over `fetchImpl` when given, to record what was sent).
 */
export function ourAdapter(t: ClientBenchTarget, fetchImpl?: typeof fetch): Lister {
  const ctx: ProviderContext = {
    clock: systemClock,
    fetch: fetchImpl ?? globalThis.fetch,
    http: fetchImpl ? undefined : undiciTransport(),
    secret: (ref) => {
      if (typeof ref !== 'string') throw new Error('the bench passes literal credentials');
      return ref;
    },
    log: silentLogger,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    timeoutMs: 20_000,
  };
  const account = {
    cloud: 'aliyun' as const,
    regionId: t.regionId,
    accessKeyId: t.accessKeyId,
    accessKeySecret: t.accessKeySecret,
    endpoint: t.url,
  };
  const target = { id: 'bench', service: 'rds', instance: t.instance };
  return async () => {
    const ids: string[] = [];
    for await (const page of aliyunRdsBackups.list(account, 'bench', target, ctx)) for (const b of page.items) ids.push(b.backupId);
    return ids;
  };
}

/** What pop-core returns for DescribeBackups (parsed with json-bigint): the part the loop reads. */
interface PopCorePage {
  readonly TotalRecordCount: string | number;
  readonly Items?: { readonly Backup?: readonly { readonly BackupId: unknown }[] };
}

/**
 * `@alicloud/pop-core` RPCClient, created once (as an application would) and looped over pages
 * the way its README shows, with GET like our adapter.
 */
export function popCore(t: ClientBenchTarget): Lister {
  const client = new RPCClient({
    accessKeyId: t.accessKeyId,
    accessKeySecret: t.accessKeySecret,
    endpoint: t.url,
    apiVersion: '2014-08-15',
  });
  return async () => {
    const ids: string[] = [];
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await client.request<PopCorePage>(
        'DescribeBackups',
        { RegionId: t.regionId, DBInstanceId: t.instance, PageSize: PAGE_SIZE, PageNumber: pageNumber },
        { method: 'GET' },
      );
      const items = page.Items?.Backup ?? [];
      for (const item of items) ids.push(String(item.BackupId));
      if (items.length === 0 || ids.length >= Number(page.TotalRecordCount)) return ids;
    }
  };
}

/**
 * `@alicloud/rds20140815` (the generated RDS client on @alicloud/openapi-core). Its default signs
 * with ACS3-HMAC-SHA256, which the simulator does not verify; `signatureAlgorithm: 'v2'` selects its
 * RPC path with signature v1 (HMAC-SHA1), the one our adapter and pop-core use. It POSTs a form.
 */
export function rds20140815(t: ClientBenchTarget): Lister {
  const endpoint = new URL(t.url).host;
  const config = new $OpenApi.$OpenApiUtil.Config({
    accessKeyId: t.accessKeyId,
    accessKeySecret: t.accessKeySecret,
    endpoint,
    protocol: 'http',
    signatureAlgorithm: 'v2',
    regionId: t.regionId,
  });
  // A CommonJS module: under NodeNext the default import is module.exports, whose `default` is the class.
  const client = new rds.default(config);
  return async () => {
    const ids: string[] = [];
    for (let pageNumber = 1; ; pageNumber++) {
      const res = await client.describeBackups(
        new $Rds.DescribeBackupsRequest({ DBInstanceId: t.instance, pageSize: PAGE_SIZE, pageNumber }),
      );
      const items = res.body?.items?.backup ?? [];
      for (const item of items) ids.push(String(item.backupId));
      if (items.length === 0 || ids.length >= Number(res.body?.totalRecordCount ?? 0)) return ids;
    }
  };
}
