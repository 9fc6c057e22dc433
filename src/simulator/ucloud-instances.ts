import type { SimApi, SimEnv, SimRequest, SimResponse } from './api.js';
import { instanceInfo, instancePolicy, visibleInstances } from './catalog-instances.js';
import type { SimAccount, SimInstance } from './fleet.js';
import {
  intParam,
  isUcloudCall,
  missingParam,
  ucloudError,
  ucloudFaultResponse,
  ucloudParams,
  ucloudResponse,
  verifyUcloud,
} from './ucloud-gateway.js';

const ACTIONS = ['ListUPgSQLInstance', 'GetUPgSQLInstance', 'ListTiDBClusterService'] as const;
const CREATED = 1_700_000_000;

/**
 * UCloud ListUPgSQLInstance (Region; everything in one answer, read replicas nested in their
 * primary's DataSet, a deleted instance listed as `Deleted`), GetUPgSQLInstance (BackupCount,
 * BackupBeginTime, BackupDate mask) and ListTiDBClusterService (Offset/Limit as strings, max 100,
 * no TotalCount, a deleted cluster listed as `Deleted` too). Same signature checks as the backup listings.
 */
export function ucloudInstancesApi(): SimApi {
  return {
    name: 'ucloud/instances',
    matches: (req) => ACTIONS.some((a) => isUcloudCall(req, a)),
    instanceOf: (req) => ucloudParams(req)?.InstanceID,
    accountOf: (req) => ucloudParams(req)?.PublicKey,
    handle(req: SimRequest, env: SimEnv): SimResponse {
      const p = ucloudParams(req);
      if (!p) return ucloudError(undefined, 160, 'Missing Action');
      const auth = verifyUcloud(p, env);
      if ('error' in auth) return auth.error;
      const action = p.Action ?? '';
      const missing = missingParam(p, action === 'GetUPgSQLInstance' ? ['Region', 'InstanceID'] : ['Region']);
      if (missing) return ucloudError(action, 220, `Missing params [${missing}]`);
      const region = p.Region as string;
      if (action === 'ListUPgSQLInstance') return listPg(env, auth.account, region);
      if (action === 'GetUPgSQLInstance') return getPg(env, auth.account, region, p.InstanceID as string);
      const offset = intParam(p.Offset, 0);
      const limit = intParam(p.Limit, 20);
      if (offset === undefined || limit === undefined) return ucloudError(action, 230, 'Params [Offset] or [Limit] not available');
      // Deleted clusters are listed as `Deleted`, as UPgSQL lists its own (they take a place in the paging).
      const all = visibleInstances(env.fleet, auth.account, 'tidb', { region, withDeleted: true });
      const page = all.slice(offset, offset + Math.min(limit === 0 ? 20 : limit, 100));
      return ucloudResponse(action, {
        RetCode: 0,
        Data: page.map((i) => ({
          Id: i.id,
          Name: i.name ?? i.id,
          State: instanceInfo(env.fleet, i.id).deleted ? 'Deleted' : 'Running',
          Version: 'v5.4',
          CreateTime: CREATED,
          AutoBackup: instancePolicy(env.fleet, i.id).keepDays > 0 ? 'Enable' : 'Disable',
        })),
      });
    },
    faultResponse: ucloudFaultResponse,
  };
}

function pgItem(env: SimEnv, i: SimInstance): Record<string, unknown> {
  const info = instanceInfo(env.fleet, i.id);
  return {
    InstanceID: i.id,
    Name: i.name ?? i.id,
    Zone: i.zone ?? `${i.regionId}-01`,
    DBVersion: 'postgresql-13',
    InstanceMode: info.replicaOf ? 'readonly' : 'ha',
    State: info.deleted ? 'Deleted' : 'Running',
    CreateTime: CREATED,
  };
}

function listPg(env: SimEnv, account: SimAccount, region: string): SimResponse {
  const all = visibleInstances(env.fleet, account, 'upgsql', { region, withDeleted: true });
  const primaries = all.filter((i) => !instanceInfo(env.fleet, i.id).replicaOf);
  const dataSet = primaries.map((p) => ({
    ...pgItem(env, p),
    DataSet: all.filter((r) => instanceInfo(env.fleet, r.id).replicaOf === p.id).map((r) => pgItem(env, r)),
  }));
  return ucloudResponse('ListUPgSQLInstance', { RetCode: 0, DataSet: dataSet });
}

function getPg(env: SimEnv, account: SimAccount, region: string, id: string): SimResponse {
  const instance = visibleInstances(env.fleet, account, 'upgsql', { region }).find((i) => i.id === id);
  if (!instance) return ucloudError('GetUPgSQLInstance', 230, 'Params [InstanceID] not available');
  const policy = instancePolicy(env.fleet, id);
  // 7-bit mask, rightmost bit Sunday; a policy with keepDays 0 has no backup day at all.
  const mask = [6, 5, 4, 3, 2, 1, 0].map((d) => (policy.keepDays > 0 && policy.weekdays.includes(d) ? '1' : '0')).join('');
  return ucloudResponse('GetUPgSQLInstance', {
    RetCode: 0,
    DataSet: {
      ...pgItem(env, instance),
      BackupCount: policy.keepDays,
      BackupBeginTime: Number(policy.window.split(':')[0]),
      BackupDate: mask,
    },
  });
}
