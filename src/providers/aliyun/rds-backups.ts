import type { AccountConfig } from '../../config/schema.js';
import { ProviderError } from '../../core/errors.js';
import { type HttpResponse, parseJsonBody, safeHost, send, withPageRetry } from '../http.js';
import type { BackupPage, BackupSource, PollTarget, ProviderContext } from '../types.js';
import { aliyunError, aliyunResponseError, errorBody } from './errors.js';
import { normalizeAliyunBackup } from './normalize.js';
import { type DescribeBackupsPage, pageItems, parseDescribeBackupsPage } from './schema.js';
import { signedRpcParams, toQueryString } from './signer.js';
import { signedAcs3Headers } from './signer-v3.js';

/** An `aliyun` account from the config. */
export type AliyunAccount = Extract<AccountConfig, { cloud: 'aliyun' }>;

/** The public RDS endpoint, used when an account sets no `endpoint`. */
export const ALIYUN_RDS_ENDPOINT = 'https://rds.aliyuncs.com';
const API_VERSION = '2014-08-15';
/** The largest PageSize DescribeBackups accepts (30, 50 or 100): fewest requests against the rate limit. */
const PAGE_SIZE = 100;
/** Beyond any real instance (a million backups); bounds a provider whose pages never add up. */
const HARD_MAX_PAGES = 10_000;

interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string | undefined;
}

/**
 * Alibaba Cloud RDS backups through DescribeBackups: signature v1 (a signed GET query, the default)
 * or, with the account's `signatureVersion: v3`, ACS3-HMAC-SHA256 (a POST with the parameters in the
 * query and signed `x-acs-*` headers, as `@alicloud/rds20140815` sends it). Pages of 100 are
 * fetched until the items add up to TotalRecordCount; each page is retried on its own. A listing
 * that shifts while it is read (total changes, an id shows up twice, pages overshoot or never reach
 * the total) fails with `invalid-response` rather than yielding a list that never existed.
 */
export const aliyunRdsBackups: BackupSource<AliyunAccount> = {
  id: 'aliyun/rds',
  cloud: 'aliyun',
  service: 'rds',
  list: listAliyunRdsBackups,
};

async function* listAliyunRdsBackups(
  account: AliyunAccount,
  accountName: string,
  target: PollTarget,
  ctx: ProviderContext,
): AsyncIterable<BackupPage> {
  const creds: Credentials = {
    accessKeyId: ctx.secret(account.accessKeyId, `accounts.${accountName}.accessKeyId`),
    accessKeySecret: ctx.secret(account.accessKeySecret, `accounts.${accountName}.accessKeySecret`),
    securityToken:
      account.securityToken === undefined ? undefined : ctx.secret(account.securityToken, `accounts.${accountName}.securityToken`),
  };
  const request: PageRequest = {
    endpoint: (account.endpoint ?? ALIYUN_RDS_ENDPOINT).replace(/\/+$/, ''),
    // A target may live in another region than the account's default.
    regionId: target.region ?? account.regionId,
    instance: target.instance,
    creds,
    signatureVersion: account.signatureVersion ?? 'v1',
  };
  const seen = new Set<string>();
  let total: number | undefined;
  let maxPages = HARD_MAX_PAGES;
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await fetchPageWithRetry(ctx, request, pageNumber);
    const items = pageItems(page);
    if (total === undefined) {
      total = page.TotalRecordCount;
      // The first page shows the page size the provider really uses; one extra page of slack.
      maxPages = Math.min(HARD_MAX_PAGES, Math.ceil(total / Math.max(1, items.length)) + 1);
    } else if (page.TotalRecordCount !== total) {
      throw listingChanged(`TotalRecordCount went from ${total} to ${page.TotalRecordCount} at page ${pageNumber}`);
    }
    if (page.PageNumber !== pageNumber) throw invalidPage(`asked for page ${pageNumber}, got PageNumber ${page.PageNumber}`);
    if (items.length === 0) {
      if (seen.size < total) throw listingChanged(`page ${pageNumber} is empty after ${seen.size} of ${total} backups`);
      if (pageNumber === 1) yield { items: [], total }; // an instance without backups still reports its total
      return;
    }
    const normalized = items.map(normalizeAliyunBackup);
    for (const backup of normalized) {
      if (seen.has(backup.backupId)) throw listingChanged(`backup ${backup.backupId} listed twice (page ${pageNumber})`);
      seen.add(backup.backupId);
    }
    if (seen.size > total) throw listingChanged(`pages hold ${seen.size} backups, more than the total of ${total}`);
    ctx.log.debug({ target: target.id, page: pageNumber, items: normalized.length, total }, 'aliyun DescribeBackups page');
    yield { items: normalized, total };
    if (seen.size === total) return;
    if (pageNumber >= maxPages) throw listingChanged(`${pageNumber} pages hold only ${seen.size} of ${total} backups`);
  }
}

interface PageRequest {
  readonly endpoint: string;
  readonly regionId: string;
  readonly instance: string;
  readonly creds: Credentials;
  readonly signatureVersion: 'v1' | 'v3';
}

/**
 * One page with retries. A body that stays unreadable for the whole retry budget is then permanent
 * for this poll (the port's contract for `invalid-response`), so outer layers do not multiply retries.
 */
function fetchPageWithRetry(ctx: ProviderContext, req: PageRequest, pageNumber: number): Promise<DescribeBackupsPage> {
  return withPageRetry(ctx, () => fetchPage(ctx, req, pageNumber));
}

async function fetchPage(ctx: ProviderContext, req: PageRequest, pageNumber: number): Promise<DescribeBackupsPage> {
  const params = { RegionId: req.regionId, DBInstanceId: req.instance, PageSize: String(PAGE_SIZE), PageNumber: String(pageNumber) };
  // Signed inside the retried call: every attempt gets a fresh timestamp and nonce.
  const { url, res } = req.signatureVersion === 'v3' ? await sendV3(ctx, req, params) : await sendV1(ctx, req, params);
  const secrets = [req.creds.accessKeySecret, ...(req.creds.securityToken ? [req.creds.securityToken] : [])];
  if (res.status < 200 || res.status > 299) throw aliyunResponseError(res, secrets);
  const json = parseJsonBody(res, url);
  const parsed = parseDescribeBackupsPage(json);
  if (!parsed.ok) {
    // Some gateways answer 200 with an error body; treat it as the error it describes.
    const error = errorBody(res.text);
    if (error) throw aliyunError(res.status, error, secrets);
    throw invalidPage(`page ${pageNumber} from ${safeHost(url)} is not a DescribeBackups response: ${parsed.problem}`);
  }
  ctx.keepBody?.(res.text);
  return parsed.page;
}

async function sendV1(
  ctx: ProviderContext,
  req: PageRequest,
  params: Readonly<Record<string, string>>,
): Promise<{ url: string; res: HttpResponse }> {
  const signed = signedRpcParams({
    method: 'GET',
    action: 'DescribeBackups',
    version: API_VERSION,
    accessKeyId: req.creds.accessKeyId,
    accessKeySecret: req.creds.accessKeySecret,
    securityToken: req.creds.securityToken,
    now: ctx.clock(),
    params,
  });
  const url = `${req.endpoint}/?${toQueryString(signed)}`;
  return { url, res: await send(ctx, { method: 'GET', url, headers: { accept: 'application/json' } }) };
}

/** POST with an empty body: v3 answers JSON without a `Format` parameter, and the action and version travel as headers. */
async function sendV3(
  ctx: ProviderContext,
  req: PageRequest,
  params: Readonly<Record<string, string>>,
): Promise<{ url: string; res: HttpResponse }> {
  const url = `${req.endpoint}/?${toQueryString(params)}`;
  const headers = signedAcs3Headers({
    url,
    method: 'POST',
    action: 'DescribeBackups',
    version: API_VERSION,
    query: params,
    accessKeyId: req.creds.accessKeyId,
    accessKeySecret: req.creds.accessKeySecret,
    securityToken: req.creds.securityToken,
    now: ctx.clock(),
  });
  return { url, res: await send(ctx, { method: 'POST', url, headers: { ...headers, accept: 'application/json' } }) };
}

function invalidPage(detail: string): ProviderError {
  return new ProviderError('invalid-response', `aliyun DescribeBackups: ${detail}`, { permanent: true });
}

function listingChanged(detail: string): ProviderError {
  return new ProviderError('invalid-response', `aliyun DescribeBackups: listing changed while paging; retry next poll (${detail})`, {
    permanent: true,
  });
}
