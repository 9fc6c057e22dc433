import { randomUUID, timingSafeEqual } from 'node:crypto';
import { signV1 } from '../providers/aliyun/signer.js';
import { jsonResponse, type SimEnv, type SimRequest, type SimResponse } from './api.js';
import type { SimAccount } from './fleet.js';

/** The window Alibaba allows for Timestamp skew, and for remembering nonces. */
export const ALIYUN_SKEW_MS = 15 * 60_000;

/** `8A3B71B1-FE08-4C2D-974F-CC7EA6DB0C1A`: Alibaba's request id shape. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** Alibaba's error body `{RequestId, HostId, Code, Message, Recommend}` with its status. */
export function aliyunErrorResponse(status: number, code: string, message: string, requestId: string, hostId: string): SimResponse {
  const recommend = `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Rds&requestId=${requestId}`;
  return jsonResponse(
    status,
    { RequestId: requestId, HostId: hostId, Code: code, Message: message, Recommend: recommend },
    { 'x-acs-request-id': requestId },
  );
}

/** Whether a request is an Alibaba RPC call (v1 signature parameters, or an SDK's `x-acs-*` headers). */
export function isAliyunRpc(req: SimRequest): boolean {
  if (req.path !== '/' && req.path !== '') return false;
  const p = req.params;
  return (p.AccessKeyId !== undefined && p.SignatureMethod !== undefined) || req.headers['x-acs-action'] !== undefined || isAcs3(req);
}

/** Whether a request is signed with ACS3 (signature v3): its Authorization header says so. */
export function isAcs3(req: SimRequest): boolean {
  return /^ACS3-/.test(String(req.headers.authorization ?? ''));
}

/** Remembers nonces per access key for the skew window, as Alibaba does to stop replays. */
export class NonceCache {
  readonly #seen = new Map<string, number>();

  /** True when the nonce was used within the window; otherwise records it. */
  used(accessKeyId: string, nonce: string, now: number): boolean {
    for (const [key, at] of this.#seen) {
      if (now - at <= ALIYUN_SKEW_MS) break; // insertion order is time order: the rest are newer
      this.#seen.delete(key);
    }
    const key = `${accessKeyId}\n${nonce}`;
    if (this.#seen.has(key)) return true;
    this.#seen.set(key, now);
    return false;
  }
}

type Fail = (status: number, code: string, message: string) => SimResponse;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Authenticates an RPC v1 request the way Alibaba's gateway does, in its order: complete
 * signature parameters, known AccessKeyId, well-formed and fresh Timestamp, matching signature
 * (over every parameter but `Signature`, query and form body alike), unused nonce. Returns the
 * account, or the error response Alibaba would send.
 */
export function verifyRpcV1(
  req: SimRequest,
  env: SimEnv,
  nonces: NonceCache,
  fail: Fail,
): { account: SimAccount } | { error: SimResponse } {
  const p = req.params;
  for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'] as const) {
    if (!p[name])
      return { error: fail(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards. (missing ${name})`) };
  }
  if (p.SignatureMethod !== 'HMAC-SHA1' || p.SignatureVersion !== '1.0') {
    return {
      error: fail(
        400,
        'IncompleteSignature',
        'The request signature does not conform to Aliyun standards. (SignatureMethod HMAC-SHA1 and SignatureVersion 1.0 expected)',
      ),
    };
  }
  const account = env.fleet.account(p.AccessKeyId as string);
  if (account?.cloud !== 'aliyun') return { error: fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.') };
  const timestamp = p.Timestamp as string;
  const at = TIMESTAMP.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) return { error: fail(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.') };
  const now = env.clock();
  if (Math.abs(now - at) > ALIYUN_SKEW_MS)
    return { error: fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.') };
  const expected = signV1(req.method, p, account.accessKeySecret);
  if (!sameText(expected, p.Signature as string)) {
    return { error: fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.') };
  }
  // Only a correctly signed request consumes its nonce; a forged one must not burn a real client's nonce.
  if (nonces.used(account.accessKeyId, p.SignatureNonce as string, now)) {
    return { error: fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.') };
  }
  return { account };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
