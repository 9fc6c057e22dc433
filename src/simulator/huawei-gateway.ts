import type { IncomingHttpHeaders } from 'node:http';
import { sdkDate, verifySdkRequest } from '../providers/huaweicloud/signer.js';
import type { ProviderFault, SimApi, SimEnv, SimRequest, SimResponse } from './api.js';
import type { Fleet, SimAccount, SimCloud } from './fleet.js';
import { type GatewayService, listGatewayBackups } from './huawei-backups.js';
import { apigError, gatewayAccounts, newRequestId, serviceError } from './huawei-common.js';
import type { SimTokenStore } from './huawei-iam.js';

/** How far X-Sdk-Date may be from the gateway's clock. */
export const GATEWAY_SKEW_MS = 15 * 60_000;
const BACKUPS_PATH = /^\/v3\/([^/]+)\/backups\/?$/;

/**
 * The API gateway in front of OTC RDS and Huawei DDS `GET /v3/{project_id}/backups`.
 *
 * Routing: both clouds share one simulator address (an account's `endpoint` points at it, so host
 * names cannot tell them apart). A request belongs to the cloud of the account behind its
 * credential: the token's account for `X-Auth-Token`, the access key's for an AK/SK signature; when
 * the credential is unknown, the account owning the path's project id; when that is unknown too,
 * to OTC RDS, which then answers with the gateway's authentication error.
 */
export function gatewayBackupsApi(service: GatewayService, fleet: Fleet, tokens: SimTokenStore): SimApi {
  const cloud: SimCloud = service === 'otc/rds' ? 'otc' : 'huaweicloud';
  return {
    name: service,
    matches(req) {
      if (req.method !== 'GET' || !BACKUPS_PATH.test(req.path)) return false;
      const routed = routeCloud(req, fleet, tokens);
      return cloud === 'huaweicloud' ? routed === 'huaweicloud' : routed !== 'huaweicloud';
    },
    instanceOf: (req) => req.query.get('instance_id') ?? undefined,
    accountOf: (req) => claimedAccessKey(req, tokens),
    handle(req: SimRequest, env: SimEnv): SimResponse {
      const requestId = newRequestId();
      const auth = authenticate(req, env, tokens, requestId);
      if ('error' in auth) return auth.error;
      const projectId = decodeURIComponent(BACKUPS_PATH.exec(req.path)?.[1] ?? '');
      return listGatewayBackups(service, req, env, auth.account, projectId, requestId);
    },
    faultResponse(fault: ProviderFault, _req: SimRequest): SimResponse {
      const requestId = newRequestId();
      return fault === 'throttle'
        ? apigError(
            429,
            'APIG.0308',
            'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute',
            requestId,
          )
        : serviceError(500, 'DBS.108000', 'Server failure.', requestId);
    },
  };
}

/** The access key behind a request's token or AK/SK signature, unverified. */
function claimedAccessKey(req: SimRequest, tokens: SimTokenStore): string | undefined {
  const token = header(req.headers, 'x-auth-token');
  if (token !== undefined) return tokens.lookup(token)?.accessKeyId;
  return /Access=([^,\s]+)/.exec(header(req.headers, 'authorization') ?? '')?.[1];
}

/** The cloud of the account a request speaks for; see `gatewayBackupsApi` for the order. */
function routeCloud(req: SimRequest, fleet: Fleet, tokens: SimTokenStore): SimCloud | undefined {
  const token = header(req.headers, 'x-auth-token');
  if (token !== undefined) {
    const record = tokens.lookup(token);
    const cloud = record && fleet.account(record.accessKeyId)?.cloud;
    if (cloud) return cloud;
  }
  const accessKey = /Access=([^,\s]+)/.exec(header(req.headers, 'authorization') ?? '')?.[1];
  const byKey = accessKey === undefined ? undefined : fleet.account(accessKey)?.cloud;
  if (byKey) return byKey;
  const projectId = BACKUPS_PATH.exec(req.path)?.[1];
  return gatewayAccounts(fleet).find((a) => a.projectId !== undefined && a.projectId === projectId)?.cloud;
}

/**
 * The account behind a request, or the gateway's 401: an `X-Auth-Token` must be one IAM issued
 * (unknown or revoked: APIG.0301; expired: APIG.0307); otherwise the SDK-HMAC-SHA256 signature must
 * verify over the SignedHeaders the client chose (unknown key or wrong signature: APIG.0301;
 * X-Sdk-Date more than 15 minutes off: APIG.0303).
 */
export function authenticate(
  req: SimRequest,
  env: SimEnv,
  tokens: SimTokenStore,
  requestId: string,
): { account: SimAccount } | { error: SimResponse } {
  const refuse = (code: string, message: string): { error: SimResponse } => ({ error: apigError(401, code, message, requestId) });
  const token = header(req.headers, 'x-auth-token');
  if (token !== undefined) {
    const record = tokens.lookup(token);
    const account = record && env.fleet.account(record.accessKeyId);
    if (!record || !account) return refuse('APIG.0301', 'Incorrect IAM authentication information: decrypt token fail');
    if (env.clock() >= record.expiresAt) return refuse('APIG.0307', 'The token must be updated.');
    return { account };
  }
  if (header(req.headers, 'authorization') === undefined)
    return refuse('APIG.0301', 'Incorrect IAM authentication information: x-auth-token not found');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const verified = verifySdkRequest(
    { method: req.method, path: req.path, query: [...req.query], headers, body: req.body },
    {
      secretFor: (ak) => {
        const account = env.fleet.account(ak);
        return account && (account.cloud === 'otc' || account.cloud === 'huaweicloud') ? account.accessKeySecret : undefined;
      },
      now: env.clock(),
      maxSkewMs: GATEWAY_SKEW_MS,
    },
  );
  if (verified.ok) {
    const account = env.fleet.account(verified.accessKey);
    if (account) return { account };
  } else if (verified.reason === 'expired') {
    const signedAt = header(req.headers, 'x-sdk-date') ?? '';
    return refuse(
      'APIG.0303',
      `Incorrect app authentication information: signature expired, signature time:${signedAt},server time:${sdkDate(env.clock())}`,
    );
  }
  return refuse('APIG.0301', 'Incorrect IAM authentication information: verify aksk signature fail');
}

/** One request header as text (Node joins repeated ones); undefined when absent or empty. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text === undefined || text === '' ? undefined : text;
}
