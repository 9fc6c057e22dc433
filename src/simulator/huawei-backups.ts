import { parseDdsTime, parseOtcTime } from '../providers/huaweicloud/normalize.js';
import { jsonResponse, type SimEnv, type SimRequest, type SimResponse } from './api.js';
import type { SimAccount, SimBackup, SimInstance } from './fleet.js';
import { serviceError } from './huawei-common.js';

/** The two listings served behind the gateway. */
export type GatewayService = 'otc/rds' | 'huaweicloud/dds';

const MAX_LIMIT = 100;
const DDS_MODES = new Set(['Sharding', 'ReplicaSet', 'Single']);
/** The docs' examples show China Standard Time; rendering in it exercises the adapters' offset parsing. */
const RDS_OFFSET_MINUTES = 8 * 60;

/**
 * `GET /v3/{project_id}/backups` for an authenticated account: OTC RDS requires `instance_id`, DDS
 * lists the whole project without one. `offset` (default 0) and `limit` (1..100, default 100)
 * page newest-first results; `backup_id`, `backup_type`, `begin_time`/`end_time` (together) filter.
 * An instance that is not the account's cloud and service is DBS.200002, as a missing one.
 */
export function listGatewayBackups(
  service: GatewayService,
  req: SimRequest,
  env: SimEnv,
  account: SimAccount,
  projectId: string,
  requestId: string,
): SimResponse {
  const bad = (what: string): SimResponse => serviceError(400, 'DBS.200001', `Parameter error: ${what}.`, requestId);
  if (projectId !== account.projectId) {
    return serviceError(403, 'DBS.200010', 'The DB instance ID or user ID may be null, or the operation is not authorized.', requestId);
  }
  const q = req.query;
  const offset = integer(q.get('offset'), 0);
  if (offset === undefined) return bad('offset must be an integer of at least 0');
  const limit = integer(q.get('limit'), MAX_LIMIT);
  if (limit === undefined || limit < 1 || limit > MAX_LIMIT) return bad('limit must be within 1 to 100');
  const window = timeWindow(q.get('begin_time'), q.get('end_time'), service === 'otc/rds' ? parseOtcTime : parseDdsTime);
  if (window === 'invalid') return bad('begin_time and end_time must be given together, well formed, end after begin');
  const mode = q.get('mode');
  if (service === 'huaweicloud/dds' && mode !== null && !DDS_MODES.has(mode)) return bad('mode must be Sharding, ReplicaSet or Single');

  const instanceId = q.get('instance_id');
  const engine = service === 'otc/rds' ? 'rds' : 'dds';
  let instances: SimInstance[];
  if (instanceId === null || instanceId === '') {
    if (service === 'otc/rds') return bad('instance_id is mandatory');
    instances = env.fleet.instances().filter((i) => i.cloud === account.cloud && i.service === engine);
  } else {
    const instance = env.fleet.instance(instanceId);
    if (!instance || instance.cloud !== account.cloud || instance.service !== engine) {
      return serviceError(404, 'DBS.200002', 'The DB instance does not exist.', requestId);
    }
    instances = [instance];
  }

  const backupId = q.get('backup_id');
  const backupType = q.get('backup_type')?.toLowerCase();
  const matching = instances
    .flatMap((instance) => instance.backups.map((backup) => ({ instance, backup })))
    .filter(
      ({ backup }) =>
        (backupId === null || backup.id === backupId) &&
        (backupType === undefined || typeWord(backup).toLowerCase() === backupType) &&
        (window === undefined || (backup.startedAt >= window.begin && backup.startedAt <= window.end)),
    )
    .sort((a, b) => b.backup.startedAt - a.backup.startedAt || b.backup.id.localeCompare(a.backup.id, 'en', { numeric: true }));
  const page = matching.slice(offset, offset + limit);
  const render = service === 'otc/rds' ? renderRds : renderDds;
  return jsonResponse(
    200,
    { backups: page.map(({ instance, backup }) => render(instance, backup)), total_count: matching.length },
    { 'x-request-id': requestId },
  );
}

/** OTC RDS item: sizes in kB, times with an offset, lower-case type words, the engine in `datastore`. */
function renderRds(instance: SimInstance, b: SimBackup): Record<string, unknown> {
  return {
    id: b.id,
    name: b.name ?? defaultName(instance, b),
    type: typeWord(b),
    size: Math.round(b.sizeBytes / 1024),
    status: b.status,
    begin_time: offsetTime(b.startedAt),
    end_time: b.endedAt === null ? '' : offsetTime(b.endedAt),
    datastore: { type: 'MySQL', version: '8.0' },
    instance_id: instance.id,
  };
}

/** DDS item: sizes in KB, UTC times without a zone, type words capitalised as in the documentation's table. */
function renderDds(instance: SimInstance, b: SimBackup): Record<string, unknown> {
  const word = typeWord(b);
  return {
    id: b.id,
    name: b.name ?? defaultName(instance, b),
    instance_id: instance.id,
    instance_name: instance.name ?? instance.id,
    datastore: { type: 'DDS-Community', version: '4.0' },
    type: word.charAt(0).toUpperCase() + word.slice(1),
    begin_time: utcTime(b.startedAt),
    end_time: b.endedAt === null ? '' : utcTime(b.endedAt),
    status: b.status,
    size: Math.round(b.sizeBytes / 1024),
    description: '',
  };
}

function typeWord(b: SimBackup): string {
  if (b.kind === 'incremental') return 'incremental';
  return b.mode === 'Manual' ? 'manual' : 'auto';
}

function defaultName(instance: SimInstance, b: SimBackup): string {
  return `${instance.name ?? instance.id}-${new Date(b.startedAt).toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

/** `2018-08-06T12:41:14+0800`. */
function offsetTime(ms: number): string {
  return `${new Date(ms + RDS_OFFSET_MINUTES * 60_000).toISOString().slice(0, 19)}+0800`;
}

/** `2018-08-06 12:41:14` (UTC). */
function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The parameter as an integer ≥ 0, the default when absent, undefined when malformed. */
function integer(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** undefined without a window, 'invalid' for half a window, a malformed time or end ≤ begin. */
function timeWindow(
  begin: string | null,
  end: string | null,
  parse: (text: string) => number | null,
): { begin: number; end: number } | 'invalid' | undefined {
  if (begin === null && end === null) return undefined;
  const b = begin === null ? null : parse(begin);
  const e = end === null ? null : parse(end);
  return b === null || e === null || e <= b ? 'invalid' : { begin: b, end: e };
}
