import { iso } from '../core/clock.js';
import { acs3AccessKey, verifyAcs3 } from './aliyun-acs3.js';
import { aliyunErrorResponse, isAcs3, isAliyunRpc, NonceCache, newRequestId, verifyRpcV1 } from './aliyun-rpc.js';
import { jsonResponse, type ProviderFault, type SimApi, type SimEnv, type SimRequest, type SimResponse } from './api.js';
import { instanceInfo, instancePolicy, visibleInstances } from './catalog-instances.js';

const HOST_ID = 'rds.aliyuncs.com';
const VERSION = '2014-08-15';
const ACTIONS = new Set(['DescribeDBInstances', 'DescribeBackupPolicy']);
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const actionOf = (req: SimRequest): string | undefined => {
  const h = req.headers['x-acs-action'];
  return (Array.isArray(h) ? h[0] : h) ?? req.params.Action;
};

/**
 * Alibaba RDS DescribeDBInstances (RegionId required; PageSize 1–100, PageNumber) and
 * DescribeBackupPolicy (DBInstanceId), signed v1 or v3 as DescribeBackups. Must come before
 * `aliyunRdsApi` in the server's list: that one claims every Alibaba RPC request.
 */
export function aliyunInstancesApi(): SimApi {
  const nonces = new NonceCache();
  return {
    name: 'aliyun/rds-instances',
    matches: (req) => isAliyunRpc(req) && ACTIONS.has(actionOf(req) ?? ''),
    instanceOf: (req) => req.params.DBInstanceId,
    accountOf: (req) => (isAcs3(req) ? acs3AccessKey(req) : req.params.AccessKeyId),
    handle: (req, env) => handle(req, env, nonces),
    faultResponse(fault: ProviderFault): SimResponse {
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
    },
  };
}

function handle(req: SimRequest, env: SimEnv, nonces: NonceCache): SimResponse {
  const requestId = newRequestId();
  const fail = (status: number, code: string, message: string): SimResponse =>
    aliyunErrorResponse(status, code, message, requestId, HOST_ID);
  const auth = isAcs3(req) ? verifyAcs3(req, env, nonces, fail) : verifyRpcV1(req, env, nonces, fail);
  if ('error' in auth) return auth.error;
  const version = isAcs3(req) ? req.headers['x-acs-version'] : req.params.Version;
  if (version !== VERSION) return fail(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
  const p = req.params;
  if (actionOf(req) === 'DescribeBackupPolicy') {
    const instance = p.DBInstanceId ? env.fleet.instance(p.DBInstanceId) : undefined;
    const visible = instance && visibleInstances(env.fleet, auth.account, 'rds').some((i) => i.id === instance.id);
    if (!instance || !visible) return fail(404, 'InvalidDBInstanceId.NotFound', 'The DBInstanceId provided does not exist in records.');
    const policy = instancePolicy(env.fleet, instance.id);
    const [start = '02:00', end = '03:00'] = policy.window.split('-');
    return jsonResponse(200, {
      RequestId: requestId,
      BackupRetentionPeriod: String(policy.keepDays),
      PreferredBackupTime: `${start}Z-${end}Z`,
      PreferredBackupPeriod: policy.weekdays.map((d) => DAY_NAMES[d]).join(','),
      LogBackupRetentionPeriod: String(policy.keepDays),
      EnableBackupLog: '1',
    });
  }
  if (!p.RegionId)
    return fail(400, 'MissingParameter', 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.');
  const pageSize = p.PageSize === undefined ? 30 : Number(p.PageSize);
  const pageNumber = p.PageNumber === undefined ? 1 : Number(p.PageNumber);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    return fail(400, 'InvalidParameter', 'The specified parameter "PageSize" is not valid.');
  if (!Number.isInteger(pageNumber) || pageNumber < 1)
    return fail(400, 'InvalidPageNumbers.Malformed', 'Specified page number is not valid.');
  const all = visibleInstances(env.fleet, auth.account, 'rds', { region: p.RegionId });
  const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return jsonResponse(200, {
    RequestId: requestId,
    TotalRecordCount: all.length,
    PageNumber: pageNumber,
    PageRecordCount: page.length,
    Items: {
      DBInstance: page.map((i) => {
        const info = instanceInfo(env.fleet, i.id);
        return {
          DBInstanceId: i.id,
          DBInstanceDescription: i.name ?? i.id,
          Engine: 'MySQL',
          DBInstanceStatus: 'Running',
          DBInstanceType: info.replicaOf ? 'Readonly' : 'Primary',
          ...(info.replicaOf && { MasterInstanceId: info.replicaOf }),
          CreateTime: iso(env.clock() - 90 * 86_400_000),
          RegionId: i.regionId,
          ZoneId: i.zone ?? `${i.regionId}-a`,
        };
      }),
    },
  });
}
