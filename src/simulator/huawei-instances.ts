import type { ProviderFault, SimApi, SimEnv, SimRequest, SimResponse } from './api.js';
import { jsonResponse } from './api.js';
import { instanceInfo, instancePolicy, visibleInstances } from './catalog-instances.js';
import type { Fleet } from './fleet.js';
import { apigError, newRequestId, serviceError } from './huawei-common.js';
import { authenticate } from './huawei-gateway.js';
import type { SimTokenStore } from './huawei-iam.js';

const LIST = /^\/v3\/([^/]+)\/instances\/?$/;
const POLICY = /^\/v3\/([^/]+)\/instances\/([^/]+)\/backups\/policy\/?$/;

/**
 * OTC RDS and Huawei DDS `GET /v3/{project_id}/instances` (offset, limit ≤ 100, `total_count`,
 * `backup_strategy` in each item, `type: Replica` for OTC read replicas) and
 * `GET /v3/{project_id}/instances/{id}/backups/policy`. One API for both clouds: the authenticated
 * account's cloud picks the service (`rds` for otc, `dds` for huaweicloud). Shares IAM's token store.
 */
export function gatewayInstancesApi(_fleet: Fleet, tokens: SimTokenStore): SimApi {
  return {
    name: 'gateway/instances',
    matches: (req) => req.method === 'GET' && (LIST.test(req.path) || POLICY.test(req.path)),
    instanceOf: (req) => POLICY.exec(req.path)?.[2],
    handle(req: SimRequest, env: SimEnv): SimResponse {
      const requestId = newRequestId();
      const auth = authenticate(req, env, tokens, requestId);
      if ('error' in auth) return auth.error;
      const { account } = auth;
      const service = account.cloud === 'otc' ? 'rds' : 'dds';
      const policyMatch = POLICY.exec(req.path);
      const projectId = decodeURIComponent((policyMatch ?? LIST.exec(req.path))?.[1] ?? '');
      if (projectId !== account.projectId) return serviceError(403, 'DBS.200010', 'The operation is not authorized.', requestId);
      const visible = visibleInstances(env.fleet, account, service);
      if (policyMatch) {
        const id = decodeURIComponent(policyMatch[2] ?? '');
        if (!visible.some((i) => i.id === id)) return serviceError(404, 'DBS.200002', 'The DB instance does not exist.', requestId);
        const p = instancePolicy(env.fleet, id);
        return jsonResponse(
          200,
          { backup_policy: { keep_days: p.keepDays, start_time: p.window, period: p.weekdays.map((d) => (d === 0 ? 7 : d)).join(',') } },
          { 'x-request-id': requestId },
        );
      }
      const offset = Number(req.query.get('offset') ?? '0');
      const limit = Number(req.query.get('limit') ?? '100');
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) {
        return serviceError(400, 'DBS.200001', 'Parameter error: offset or limit.', requestId);
      }
      const page = visible.slice(offset, offset + limit).map((i) => {
        const info = instanceInfo(env.fleet, i.id);
        const p = instancePolicy(env.fleet, i.id);
        const tags = Object.entries(info.tags ?? {}).map(([key, value]) => ({ key, value }));
        const common = {
          id: i.id,
          name: i.name ?? i.id,
          region: i.regionId,
          backup_strategy: { start_time: p.window, keep_days: p.keepDays },
          tags,
        };
        // RDS links a replica to its primary (`replica_of`) and a primary to its replicas (`replica`).
        const related = info.replicaOf
          ? [{ id: info.replicaOf, type: 'replica_of' }]
          : visible.filter((r) => instanceInfo(env.fleet, r.id).replicaOf === i.id).map((r) => ({ id: r.id, type: 'replica' }));
        return service === 'rds'
          ? {
              ...common,
              status: 'ACTIVE',
              type: info.replicaOf ? 'Replica' : 'Ha',
              related_instance: related,
              datastore: { type: 'MySQL', version: '8.0' },
              created: '2025-08-20T02:33:49+0800',
            }
          : {
              ...common,
              status: 'normal',
              mode: 'ReplicaSet',
              datastore: { type: 'DDS-Community', version: '4.0' },
              created: '2025-01-17T07:05:52',
              port: '8635',
            };
      });
      return jsonResponse(200, { instances: page, total_count: visible.length }, { 'x-request-id': requestId });
    },
    faultResponse(fault: ProviderFault): SimResponse {
      const requestId = newRequestId();
      return fault === 'throttle'
        ? apigError(429, 'APIG.0308', 'The throttling threshold has been reached', requestId)
        : serviceError(500, 'DBS.108000', 'Server failure.', requestId);
    },
  };
}
