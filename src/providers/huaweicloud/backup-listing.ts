import { ProviderError } from '../../core/errors.js';
import type { NormalizedBackup } from '../../domain/backup.js';
import type { BackupPage, PollTarget, ProviderContext } from '../types.js';
import type { GatewayClient, QueryPairs } from './gateway-client.js';
import { type BackupsPage, type GatewayBackupItem, parseBackupsPage } from './schema.js';

/** The largest `limit` both services accept (1..100, default 100): fewest requests against the rate limit. */
export const PAGE_LIMIT = 100;
/** Beyond any real instance (a million backups); bounds a provider whose pages never add up. */
const HARD_MAX_PAGES = 10_000;

/** How `begin_time`/`end_time` are written: OTC RDS with an offset, DDS in UTC with a space. */
export type TimeFilterFormat = 'offset' | 'utc-space';

/** An optional time window for the listing (both bounds, as the APIs require them together). */
export interface TimeWindow {
  readonly begin: number;
  readonly end: number;
}

/**
 * A filter time: OTC `2018-08-06T10:41:14+0000` (the `+` is sent as `%2B` by the client's encoding),
 * DDS `2018-08-06 10:41:14` UTC (the space is sent as `%20`).
 */
export function filterTime(ms: number, format: TimeFilterFormat): string {
  const iso = new Date(ms).toISOString().slice(0, 19);
  return format === 'offset' ? `${iso}+0000` : iso.replace('T', ' ');
}

/** The query of one page: `instance_id` (when given), `offset`, `limit`, and the window if any. */
export function backupsQuery(opts: {
  instanceId?: string;
  offset: number;
  limit: number;
  window?: TimeWindow;
  timeFormat: TimeFilterFormat;
}): QueryPairs {
  const query: [string, string][] = [];
  if (opts.instanceId !== undefined) query.push(['instance_id', opts.instanceId]);
  query.push(['offset', String(opts.offset)], ['limit', String(opts.limit)]);
  if (opts.window)
    query.push(['begin_time', filterTime(opts.window.begin, opts.timeFormat)], ['end_time', filterTime(opts.window.end, opts.timeFormat)]);
  return query;
}

/** What differs between the two services' listings. */
export interface ListingSpec {
  /** `otc rds`: starts every error message. */
  readonly label: string;
  readonly timeFormat: TimeFilterFormat;
  readonly normalize: (item: GatewayBackupItem) => NormalizedBackup;
  readonly window?: TimeWindow;
}

/**
 * Pages through `GET /v3/{project_id}/backups` by offset (offset N starts at item N+1) until the
 * items add up to `total_count`. A listing that shifts while it is read (the total changes, an id
 * shows up twice, pages overshoot the total or run dry before it) fails with `invalid-response`
 * rather than yielding a list that never existed.
 */
export async function* listBackups(
  client: GatewayClient,
  target: PollTarget,
  spec: ListingSpec,
  ctx: ProviderContext,
): AsyncIterable<BackupPage> {
  const seen = new Set<string>();
  let total: number | undefined;
  let maxPages = HARD_MAX_PAGES;
  let offset = 0;
  for (let pageNumber = 1; ; pageNumber++) {
    const query = backupsQuery({
      instanceId: target.instance,
      offset,
      limit: PAGE_LIMIT,
      timeFormat: spec.timeFormat,
      ...(spec.window && { window: spec.window }),
    });
    const page = await client.get<BackupsPage>('backups', query, `page ${pageNumber}`, (json) => {
      const parsed = parseBackupsPage(json);
      return parsed.ok ? { ok: true, value: parsed.page } : parsed;
    });
    const items = page.backups;
    if (total === undefined) {
      total = page.total_count;
      // The first page shows the page size the provider really uses; one extra page of slack.
      maxPages = Math.min(HARD_MAX_PAGES, Math.ceil(total / Math.max(1, items.length)) + 1);
    } else if (page.total_count !== total) {
      throw listingChanged(spec.label, `total_count went from ${total} to ${page.total_count} at offset ${offset}`);
    }
    if (items.length === 0) {
      if (seen.size < total) throw listingChanged(spec.label, `page at offset ${offset} is empty after ${seen.size} of ${total} backups`);
      if (pageNumber === 1) yield { items: [], total }; // an instance without backups still reports its total
      return;
    }
    const normalized = items.map(spec.normalize);
    for (const backup of normalized) {
      if (seen.has(backup.backupId)) throw listingChanged(spec.label, `backup ${backup.backupId} listed twice (offset ${offset})`);
      seen.add(backup.backupId);
    }
    if (seen.size > total) throw listingChanged(spec.label, `pages hold ${seen.size} backups, more than the total of ${total}`);
    ctx.log.debug({ target: target.id, offset, items: normalized.length, total }, `${spec.label} backups page`);
    yield { items: normalized, total };
    if (seen.size === total) return;
    if (pageNumber >= maxPages) throw listingChanged(spec.label, `${pageNumber} pages hold only ${seen.size} of ${total} backups`);
    offset += items.length;
  }
}

function listingChanged(label: string, detail: string): ProviderError {
  return new ProviderError('invalid-response', `${label} backups: listing changed while paging; retry next poll (${detail})`, {
    permanent: true,
  });
}
