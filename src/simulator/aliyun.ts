import { hash } from 'node:crypto';
import { iso } from '../core/clock.js';
import { acs3AccessKey, verifyAcs3 } from './aliyun-acs3.js';
import { aliyunErrorResponse, isAcs3, isAliyunRpc, NonceCache, newRequestId, verifyRpcV1 } from './aliyun-rpc.js';
import { jsonResponse, type ProviderFault, type SimApi, type SimEnv, type SimRequest, type SimResponse } from './api.js';
import type { SimBackup, SimInstance } from './fleet.js';

const HOST_ID = 'rds.aliyuncs.com';
const VERSION = '2014-08-15';
const PAGE_SIZES = new Set([30, 50, 100]);
const MAX_INT = 2_147_483_647;
/** Request parameter format `2011-06-11T15:00Z`; seconds tolerated. */
const FILTER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/;

/**
 * Alibaba Cloud RDS (API 2014-08-15) over RPC: signature v1 (GET query or POST form) or v3
 * (ACS3-HMAC-SHA256, action and version in `x-acs-*` headers, parameters in the query or a form).
 * Answers DescribeBackups from the fleet, with Alibaba's error codes, statuses and messages for
 * everything it verifies. Each instance of this API keeps its own nonce memory (v1 and v3 share it).
 */
export function aliyunRdsApi(): SimApi {
  const nonces = new NonceCache();
  return {
    name: 'aliyun/rds',
    matches: isAliyunRpc,
    instanceOf: (req) => req.params.DBInstanceId,
    accountOf: (req) => (isAcs3(req) ? acs3AccessKey(req) : req.params.AccessKeyId),
    handle: (req, env) => handle(req, env, nonces),
    faultResponse,
  };
}

function handle(req: SimRequest, env: SimEnv, nonces: NonceCache): SimResponse {
  const requestId = newRequestId();
  const fail = (status: number, code: string, message: string): SimResponse =>
    aliyunErrorResponse(status, code, message, requestId, HOST_ID);
  const v3 = isAcs3(req);
  const auth = v3 ? verifyAcs3(req, env, nonces, fail) : verifyRpcV1(req, env, nonces, fail);
  if ('error' in auth) return auth.error;
  const p = req.params;
  // v3 names the action and version in headers (verified above) and always answers JSON.
  const action = v3 ? header(req, 'x-acs-action') : p.Action;
  const version = v3 ? header(req, 'x-acs-version') : p.Version;
  if (!action)
    return fail(400, 'MissingParameter', 'The input parameter "Action" that is mandatory for processing this request is not supplied.');
  if (action !== 'DescribeBackups')
    return fail(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
  if (version !== VERSION) return fail(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
  if (!v3 && (p.Format ?? 'XML').toUpperCase() !== 'JSON') {
    // Alibaba's default is XML; the simulator only speaks JSON and says so instead of guessing.
    return fail(
      400,
      'InvalidParameter',
      'The simulator answers Format=JSON only; Format=XML (the default when Format is absent) is not supported.',
    );
  }
  return describeBackups(p, env, requestId, fail);
}

function describeBackups(
  p: Readonly<Record<string, string>>,
  env: SimEnv,
  requestId: string,
  fail: (status: number, code: string, message: string) => SimResponse,
): SimResponse {
  if (!p.DBInstanceId)
    return fail(
      400,
      'MissingParameter',
      'The input parameter "DBInstanceId" that is mandatory for processing this request is not supplied.',
    );
  const instance = env.fleet.instance(p.DBInstanceId);
  // An instance in another region, or of another service, is as invisible as a missing one.
  if (instance?.cloud !== 'aliyun' || instance.service !== 'rds' || (p.RegionId !== undefined && p.RegionId !== instance.regionId)) {
    return fail(404, 'InvalidDBInstanceId.NotFound', 'The DBInstanceId provided does not exist in records.');
  }
  const pageSize = p.PageSize === undefined ? 30 : integer(p.PageSize);
  if (pageSize === undefined || !PAGE_SIZES.has(pageSize))
    return fail(400, 'InvalidParameter', 'The specified parameter "PageSize" is not valid.');
  const pageNumber = p.PageNumber === undefined ? 1 : integer(p.PageNumber);
  if (pageNumber === undefined || pageNumber < 1 || pageNumber > MAX_INT)
    return fail(400, 'InvalidPageNumbers.Malformed', 'Specified page number is not valid.');
  if (p.BackupStatus !== undefined && p.BackupStatus !== 'Success' && p.BackupStatus !== 'Failed') {
    return fail(400, 'InvalidParameter', 'The specified parameter "BackupStatus" is not valid.');
  }
  if (p.BackupMode !== undefined && p.BackupMode !== 'Automated' && p.BackupMode !== 'Manual') {
    return fail(400, 'InvalidParameter', 'The specified parameter "BackupMode" is not valid.');
  }
  const start = filterTime(p.StartTime);
  if (start === null) return fail(400, 'InvalidStartTime.Format', 'Specified start time is not valid.');
  const end = filterTime(p.EndTime);
  if (end === null) return fail(400, 'InvalidEndTime.Format', 'Specified end time is not valid.');
  if (start !== undefined && end !== undefined && end <= start)
    return fail(400, 'InvalidParameterCombination', 'The end time must be greater than the start time');

  const matching = instance.backups.filter(
    (b) =>
      (p.BackupStatus === undefined || b.status === p.BackupStatus) &&
      (p.BackupMode === undefined || b.mode === p.BackupMode) &&
      (p.BackupId === undefined || b.id === p.BackupId) &&
      (p.BackupType === undefined || backupType(b) === p.BackupType) &&
      (start === undefined || b.startedAt >= start) &&
      (end === undefined || b.startedAt <= end),
  );
  const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const hostId = hostIdOf(instance);
  const now = env.clock();
  // Counts are strings, as in Alibaba's own response examples (and the SDKs' types).
  return jsonResponse(
    200,
    {
      RequestId: requestId,
      TotalRecordCount: String(matching.length),
      PageNumber: String(pageNumber),
      PageRecordCount: String(page.length),
      TotalEcsSnapshotSize: 0,
      Items: { Backup: page.map((b) => renderBackup(instance, b, hostId, now)) },
    },
    { 'x-acs-request-id': requestId },
  );
}

/** One `Items.Backup` entry as Alibaba renders it, including the fields an auditor must never store. */
function renderBackup(instance: SimInstance, b: SimBackup, hostId: string, now: number): Record<string, unknown> {
  const numericId = /^\d+$/.test(b.id) && Number.isSafeInteger(Number(b.id));
  const downloadable = b.status === 'Success';
  return {
    BackupId: numericId ? Number(b.id) : b.id,
    DBInstanceId: instance.id,
    HostInstanceID: hostId,
    BackupStatus: b.status,
    BackupStartTime: iso(b.startedAt),
    BackupEndTime: b.endedAt === null ? '' : iso(b.endedAt),
    BackupType: backupType(b),
    BackupMode: b.mode,
    BackupMethod: b.method ?? 'Physical',
    BackupDownloadURL: downloadable ? signedOssUrl(instance, b, hostId, now, false) : '',
    BackupIntranetDownloadURL: downloadable ? signedOssUrl(instance, b, hostId, now, true) : '',
    BackupSize: b.sizeBytes,
    StoreStatus: 'Disabled',
    BackupScale: 'DBInstance',
    BackupInitiator: b.mode === 'Manual' ? 'User' : 'System',
    ConsistentTime: Math.floor((b.endedAt ?? b.startedAt) / 1000),
    StorageClass: '0',
    Encryption: '{}',
  };
}

/** The host an instance's backups were taken on: stable per instance, as on Alibaba. */
function hostIdOf(instance: SimInstance): string {
  return String(100_000 + (hash('sha1', instance.id, 'buffer').readUInt32BE(0) % 9_000_000));
}

function backupType(b: SimBackup): string {
  return b.kind === 'full' ? 'FullBackup' : 'IncrementalBackup';
}

/** A fake pre-signed OSS link with the query parameters real ones carry, so redaction gets exercised. */
function signedOssUrl(instance: SimInstance, b: SimBackup, hostId: string, now: number, intranet: boolean): string {
  const region = instance.regionId;
  const host = `rdsbak-${region}.oss-${region}${intranet ? '-internal' : ''}.aliyuncs.com`;
  const expires = Math.floor(now / 1000) + 43_200;
  const signature = encodeURIComponent(hash('sha1', `${b.id}/${expires}/${intranet}`, 'base64'));
  return (
    `https://${host}/custins${hostId}/hins${hostId}/${b.id}_qp.xb` +
    `?OSSAccessKeyId=LTAI4SimOssDownloadKey&Expires=${expires}&Signature=${signature}`
  );
}

function faultResponse(fault: ProviderFault, _req: SimRequest): SimResponse {
  const requestId = newRequestId();
  return fault === 'throttle'
    ? aliyunErrorResponse(400, 'Throttling.User', 'Request was denied due to user flow control.', requestId, HOST_ID)
    : aliyunErrorResponse(
        503,
        'ServiceUnavailable',
        'The request has failed due to a temporary failure of the server.',
        requestId,
        HOST_ID,
      );
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function integer(text: string): number | undefined {
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/** undefined when absent, null when malformed, else epoch ms. */
function filterTime(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  const ms = FILTER_TIME.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}
