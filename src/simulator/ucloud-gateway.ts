import { randomUUID, timingSafeEqual } from 'node:crypto';
import { flattenParams, signUcloud, type UcloudParamValue } from '../providers/ucloud/signer.js';
import { jsonResponse, type ProviderFault, type SimEnv, type SimRequest, type SimResponse } from './api.js';
import type { SimAccount } from './fleet.js';

/**
 * What UCloud's API gateway does before a service sees a request, for the simulated UCloud APIs:
 * reading parameters from a GET query, a POST form or a POST JSON body (all three are accepted),
 * verifying the signature, and answering in UCloud's envelope with an `X-UCloud-Request-UUID`.
 */

/** A UCloud error or success answer: always HTTP 200, the RetCode says what happened. */
export function ucloudResponse(action: string | undefined, body: Readonly<Record<string, unknown>>): SimResponse {
  const requestId = randomUUID();
  return jsonResponse(200, { ...(action ? { Action: `${action}Response` } : {}), ...body }, { 'x-ucloud-request-uuid': requestId });
}

/** `{RetCode, Action, Message}` as UCloud sends errors, with HTTP 200. */
export function ucloudError(action: string | undefined, retCode: number, message: string): SimResponse {
  return ucloudResponse(action, { RetCode: retCode, Message: message });
}

/**
 * Every parameter of the request: the query and form ones (already in `req.params`) plus, for a JSON
 * body, its fields flattened the way they are signed (`Key.0`, `Key.Sub`). Undefined when the JSON
 * body cannot be read, which UCloud answers as a request without parameters.
 */
export function ucloudParams(req: SimRequest): Record<string, string> | undefined {
  const params = Object.assign(Object.create(null) as Record<string, string>, req.params);
  if (!hasJsonBody(req)) return params;
  let json: unknown;
  try {
    json = JSON.parse(req.body);
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  // Parsed JSON holds only strings, numbers, booleans, null, arrays and objects: all parameter values.
  return Object.assign(params, flattenParams(json as { readonly [key: string]: UcloudParamValue }));
}

/** Whether a request is a UCloud API call for `action` (signed or trying to be). */
export function isUcloudCall(req: SimRequest, action: string): boolean {
  if (req.path !== '/' && req.path !== '') return false;
  // Every request is offered to each UCloud action in turn: only a JSON body needs the parameters copied and flattened.
  const p = hasJsonBody(req) ? ucloudParams(req) : req.params;
  return p !== undefined && p.Action === action && (p.PublicKey !== undefined || p.Signature !== undefined);
}

function hasJsonBody(req: SimRequest): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json') && req.body.trim() !== '';
}

/**
 * Authenticates a call as UCloud's gateway does: a signature must be present (170), the PublicKey
 * must belong to a UCloud account (172), the SHA-1 signature over every other parameter plus the
 * private key must match (171), and a ProjectId, when sent, must be the account's (292).
 */
export function verifyUcloud(params: Readonly<Record<string, string>>, env: SimEnv): { account: SimAccount } | { error: SimResponse } {
  const action = params.Action;
  if (!params.Signature) return { error: ucloudError(action, 170, 'Missing signature') };
  const account = params.PublicKey === undefined ? undefined : env.fleet.account(params.PublicKey);
  if (account?.cloud !== 'ucloud') return { error: ucloudError(action, 172, 'User Not Exists') };
  if (!sameText(signUcloud(params, account.accessKeySecret), params.Signature))
    return { error: ucloudError(action, 171, 'Signature VerifyAC Error') };
  if (params.ProjectId !== undefined && account.projectId !== undefined && params.ProjectId !== account.projectId) {
    return { error: ucloudError(action, 292, 'Project not exists') };
  }
  return { account };
}

/**
 * The gateway's throttling (153) and outage (150) answers. The 153 text is an English rendering of
 * the gateway's Chinese message; both come with HTTP 200 like every UCloud answer.
 */
export function ucloudFaultResponse(fault: ProviderFault, req: SimRequest): SimResponse {
  const action = ucloudParams(req)?.Action;
  return fault === 'throttle'
    ? ucloudError(action, 153, 'API call frequency exceeds the limit, please retry later')
    : ucloudError(action, 150, 'Service unavailable');
}

/** Offset/Limit text as UCloud reads it: absent is the default, anything but a non-negative integer is invalid. */
export function intParam(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined || text === '') return fallback;
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** The first of `names` missing from the request, for `Missing params [Name]` (RetCode 220). */
export function missingParam(params: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  return names.find((name) => !params[name]);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
