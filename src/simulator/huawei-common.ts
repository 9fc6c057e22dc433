import { randomBytes } from 'node:crypto';
import { jsonResponse, type SimResponse } from './api.js';
import type { Fleet, SimAccount } from './fleet.js';

/** `a5322eb89048eb41d705491a76a05aca`: the gateway's request id shape (32 hex digits). */
export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

/** An API gateway error: `{error_code, error_msg, request_id}` and the `X-Request-Id` header. */
export function apigError(status: number, code: string, message: string, requestId: string): SimResponse {
  return jsonResponse(status, { error_code: code, error_msg: message, request_id: requestId }, { 'x-request-id': requestId });
}

/** A service (RDS, DDS) error: `{error_code, error_msg}`; the request id is only in the header. */
export function serviceError(status: number, code: string, message: string, requestId: string): SimResponse {
  return jsonResponse(status, { error_code: code, error_msg: message }, { 'x-request-id': requestId });
}

/** The fleet's OTC and Huawei Cloud accounts. */
export function gatewayAccounts(fleet: Fleet): SimAccount[] {
  return fleet.accounts().filter((a) => a.cloud === 'otc' || a.cloud === 'huaweicloud');
}
