import type { SimApi, SimEnv, SimRequest, SimResponse } from './api.js';
import type { SimBackup, SimInstance } from './fleet.js';
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

const MIB = 1024 ** 2;

/** Where ListUPgSQLBackup puts its list: `DataSet` per the table and SDKs (default), `Data` per the doc's example. */
export type UpgsqlListKey = 'DataSet' | 'Data';

/** The documented shapes of ListTiDBClusterBackup's list: key `Data` or `BackupData`, holding an array or one object. */
export type TidbShape = 'Data-array' | 'Data-object' | 'BackupData-array' | 'BackupData-object';

/** Per-instance answer shapes for ListUPgSQLBackup, so tests can exercise each documented variant. */
export interface UcloudUpgsqlOptions {
  readonly instances?: Readonly<Record<string, { readonly listKey?: UpgsqlListKey }>>;
}

/** Per-instance answer shapes for ListTiDBClusterBackup. */
export interface UcloudTidbOptions {
  /**
   * `shape` defaults to `Data-array`. An `-object` shape holds one backup per page (its Limit is
   * effectively 1) or `{}` when there is none. `totalCount: false` leaves TotalCount out (it is optional).
   */
  readonly instances?: Readonly<Record<string, { readonly shape?: TidbShape; readonly totalCount?: boolean }>>;
}

/**
 * UCloud UPgSQL `ListUPgSQLBackup`: Region, Zone and InstanceID required, Offset, Limit (default 20,
 * capped at 100), BackupType filter (0 all, 1 automatic, 2 manual). Times in unix seconds, sizes in bytes.
 */
export function ucloudUpgsqlApi(opts: UcloudUpgsqlOptions = {}): SimApi {
  const action = 'ListUPgSQLBackup';
  return {
    name: 'ucloud/upgsql',
    matches: (req) => isUcloudCall(req, action),
    instanceOf: (req) => ucloudParams(req)?.InstanceID,
    accountOf: (req) => ucloudParams(req)?.PublicKey,
    handle: (req, env) =>
      withAuth(req, env, (p) => {
        const missing = missingParam(p, ['Region', 'Zone', 'InstanceID']);
        if (missing) return ucloudError(action, 220, `Missing params [${missing}]`);
        const window = offsetLimit(action, p, 20, 100);
        if ('error' in window) return window.error;
        const backupType = intParam(p.BackupType, 0);
        if (backupType === undefined || backupType > 2) return ucloudError(action, 230, 'Params [BackupType] not available');
        const instance = findInstance(env, p.InstanceID as string, 'upgsql', p.Region as string, p.Zone);
        if (!instance) return notFound(action, 'InstanceID');
        const matching = instance.backups.filter((b) => backupType === 0 || upgsqlBackupType(b) === backupType);
        const page = matching.slice(window.offset, window.offset + window.limit);
        const listKey = opts.instances?.[instance.id]?.listKey ?? 'DataSet';
        return ucloudResponse(action, {
          RetCode: 0,
          TotalCount: matching.length,
          [listKey]: page.map((b) => renderUpgsqlBackup(instance, b)),
        });
      }),
    faultResponse: ucloudFaultResponse,
  };
}

/**
 * UCloud TiDB `ListTiDBClusterBackup`: Region and Id required, Offset, Limit (default and cap 30).
 * Sizes in MB, times in unix seconds; State is the fleet's word as given.
 */
export function ucloudTidbApi(opts: UcloudTidbOptions = {}): SimApi {
  const action = 'ListTiDBClusterBackup';
  return {
    name: 'ucloud/tidb',
    matches: (req) => isUcloudCall(req, action),
    instanceOf: (req) => ucloudParams(req)?.Id,
    accountOf: (req) => ucloudParams(req)?.PublicKey,
    handle: (req, env) =>
      withAuth(req, env, (p) => {
        const missing = missingParam(p, ['Region', 'Id']);
        if (missing) return ucloudError(action, 220, `Missing params [${missing}]`);
        const window = offsetLimit(action, p, 30, 30);
        if ('error' in window) return window.error;
        const instance = findInstance(env, p.Id as string, 'tidb', p.Region as string, undefined);
        if (!instance) return notFound(action, 'Id');
        const config = opts.instances?.[instance.id] ?? {};
        const [key, form] = (config.shape ?? 'Data-array').split('-') as ['Data' | 'BackupData', 'array' | 'object'];
        const page = instance.backups.slice(window.offset, window.offset + (form === 'object' ? 1 : window.limit)).map(renderTidbBackup);
        const list = form === 'array' ? page : (page[0] ?? {});
        return ucloudResponse(action, {
          RetCode: 0,
          ...(config.totalCount === false ? {} : { TotalCount: instance.backups.length }),
          [key]: list,
        });
      }),
    faultResponse: ucloudFaultResponse,
  };
}

function withAuth(req: SimRequest, env: SimEnv, handle: (params: Readonly<Record<string, string>>) => SimResponse): SimResponse {
  const params = ucloudParams(req);
  if (!params) return ucloudError(undefined, 160, 'Missing Action');
  const auth = verifyUcloud(params, env);
  return 'error' in auth ? auth.error : handle(params);
}

/** Offset (default 0) and Limit (absent or 0 = the default, above the cap = the cap, as UCloud clamps). */
function offsetLimit(
  action: string,
  p: Readonly<Record<string, string>>,
  fallback: number,
  cap: number,
): { offset: number; limit: number } | { error: SimResponse } {
  const offset = intParam(p.Offset, 0);
  if (offset === undefined) return { error: ucloudError(action, 230, 'Params [Offset] not available') };
  const limit = intParam(p.Limit, fallback);
  if (limit === undefined) return { error: ucloudError(action, 230, 'Params [Limit] not available') };
  return { offset, limit: Math.min(limit === 0 ? fallback : limit, cap) };
}

/** An instance of another service, region or zone is as invisible as a missing one. */
function findInstance(env: SimEnv, id: string, service: string, region: string, zone: string | undefined): SimInstance | undefined {
  const instance = env.fleet.instance(id);
  if (instance?.cloud !== 'ucloud' || instance.service !== service || instance.regionId !== region) return undefined;
  return zone !== undefined && instance.zone !== undefined && instance.zone !== zone ? undefined : instance;
}

/**
 * UCloud's generic "parameter value not usable" (RetCode 230) for the instance parameter: what the
 * simulator answers for an unknown instance (the services' own code is not documented).
 */
function notFound(action: string, param: string): SimResponse {
  return ucloudError(action, 230, `Params [${param}] not available`);
}

function upgsqlBackupType(b: SimBackup): 1 | 2 {
  return b.mode === 'Manual' ? 2 : 1;
}

function seconds(ms: number | null): number {
  return ms === null ? 0 : Math.floor(ms / 1000); // 0 = not set, as UCloud reports an unfinished backup
}

function renderUpgsqlBackup(instance: SimInstance, b: SimBackup): Record<string, unknown> {
  const stamp = new Date(b.startedAt).toISOString().replace(/\D/g, '').slice(0, 14);
  return {
    BackupID: b.id,
    BackupName: b.name ?? `${b.mode === 'Manual' ? 'manual' : 'auto'}_${stamp}`,
    BackupStartTime: seconds(b.startedAt),
    BackupEndTime: seconds(b.endedAt),
    BackupSize: b.sizeBytes,
    BackupType: upgsqlBackupType(b),
    State: b.status,
    InstanceID: instance.id,
    Region: instance.regionId,
  };
}

function renderTidbBackup(b: SimBackup): Record<string, unknown> {
  return {
    BackupId: b.id,
    BackupStartTime: seconds(b.startedAt),
    BackupEndTime: seconds(b.endedAt),
    BackupSize: Math.round(b.sizeBytes / MIB),
    State: b.status,
    BackupType: b.mode === 'Manual' ? 'manual' : 'auto',
  };
}
