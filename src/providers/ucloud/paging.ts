import { ProviderError } from '../../core/errors.js';
import type { NormalizedBackup } from '../../domain/backup.js';
import type { BackupPage, PollTarget, ProviderContext } from '../types.js';

/** Beyond any real instance; bounds a provider whose pages never add up to its total. */
const HARD_MAX_PAGES = 10_000;
/**
 * Without a total only a short page ends a listing; this bounds one whose full pages never end.
 * At TiDB's 30 per page that is 30,000 backups, decades of daily backups.
 */
const MAX_PAGES_WITHOUT_TOTAL = 1_000;

/** One Offset/Limit page, normalized, with the total the provider reported (if it reports one). */
export interface OffsetPage {
  readonly items: readonly NormalizedBackup[];
  readonly total: number | undefined;
}

/** An Offset/Limit listing: which API (for messages), the page size to ask for, and how to fetch a page. */
export interface OffsetListing {
  readonly action: string;
  readonly limit: number;
  fetch(offset: number, limit: number): Promise<OffsetPage>;
}

/**
 * Reads an Offset/Limit listing to the end. The next Offset is the number of backups read so far,
 * so a provider that caps Limit lower than asked is still read completely. It stops at the reported
 * total; without one (TiDB's TotalCount is optional) at an empty page or one shorter than Limit.
 * A listing that shifts while it is read (the total changes, an id shows up twice, pages overshoot
 * the total, an empty page comes before the total, or pages never reach it) fails with permanent
 * `invalid-response` rather than yielding a list that never existed.
 */
export async function* pageByOffset(ctx: ProviderContext, target: PollTarget, listing: OffsetListing): AsyncIterable<BackupPage> {
  const changed = (detail: string): ProviderError =>
    new ProviderError('invalid-response', `ucloud ${listing.action}: listing changed while paging; retry next poll (${detail})`, {
      permanent: true,
    });
  const seen = new Set<string>();
  let total: number | undefined;
  let maxPages = MAX_PAGES_WITHOUT_TOTAL;
  for (let pageNumber = 1; ; pageNumber++) {
    const offset = seen.size;
    const page = await listing.fetch(offset, listing.limit);
    if (pageNumber === 1) {
      total = page.total;
      // The first page shows the page size the provider really uses; one extra page of slack.
      if (total !== undefined) maxPages = Math.min(HARD_MAX_PAGES, Math.ceil(total / Math.max(1, page.items.length)) + 1);
    } else if (total !== undefined && page.total !== undefined && page.total !== total) {
      throw changed(`TotalCount went from ${total} to ${page.total} at offset ${offset}`);
    }
    const withTotal = total === undefined ? {} : { total };
    if (page.items.length === 0) {
      if (total !== undefined && seen.size < total)
        throw changed(`the page at offset ${offset} is empty after ${seen.size} of ${total} backups`);
      if (pageNumber === 1) yield { items: [], ...withTotal }; // an instance without backups still reports its total
      return;
    }
    for (const backup of page.items) {
      if (seen.has(backup.backupId)) throw changed(`backup ${backup.backupId} listed twice (offset ${offset})`);
      seen.add(backup.backupId);
    }
    if (total !== undefined && seen.size > total) throw changed(`pages hold ${seen.size} backups, more than the total of ${total}`);
    ctx.log.debug({ target: target.id, offset, items: page.items.length, total }, `ucloud ${listing.action} page`);
    yield { items: page.items, ...withTotal };
    if (total !== undefined ? seen.size === total : page.items.length < listing.limit) return;
    if (pageNumber >= maxPages) {
      throw changed(
        total === undefined ? `${pageNumber} full pages and no end` : `${pageNumber} pages hold only ${seen.size} of ${total} backups`,
      );
    }
  }
}

/** A page that does not have the API's shape: permanent for this poll, naming the field, never a value. */
export function invalidPage(action: string, offset: number, problem: string): ProviderError {
  return new ProviderError('invalid-response', `ucloud ${action}: the page at offset ${offset} is not a ${action} response: ${problem}`, {
    permanent: true,
  });
}

/** A target missing what the API requires, such as UPgSQL's zone: a config error, permanent. */
export function targetIncomplete(target: PollTarget, detail: string): ProviderError {
  return new ProviderError('client', `target ${target.id}: ${detail}`, { permanent: true });
}
