import { createHmac, randomUUID } from 'node:crypto';
import { iso } from '../../core/clock.js';
import { compareText } from '../../core/text.js';

/**
 * Alibaba Cloud percent-encoding for RPC signatures: `encodeURIComponent`, then also `!'()*`;
 * space is `%20`, `~` stays. Same as the official SDKs' `percentEncode`.
 */
export function percentEncode(value: string): string {
  const encoded = encodeURIComponent(value);
  // Most values hold none of the five: testing first spares the replacement's callback machinery on every parameter.
  return SUB_DELIMS.test(encoded) ? encoded.replace(SUB_DELIMS_ALL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}

const SUB_DELIMS = /[!'()*]/;
const SUB_DELIMS_ALL = /[!'()*]/g;

/**
 * The canonicalized query: every parameter except `Signature`, sorted by name (UTF-16 code units,
 * like the official SDKs), encoded, joined with `&`.
 */
export function canonicalizedQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort(compareText)
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] as string)}`)
    .join('&');
}

/** `METHOD&%2F&percentEncode(canonicalized query)`. */
export function stringToSignV1(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

/** RPC signature v1: Base64(HMAC-SHA1(secret + "&", string to sign)). */
export function signV1(method: string, params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSignV1(method, params), 'utf8').digest('base64');
}

/** `2016-02-23T12:46:24Z`: Alibaba's Timestamp (UTC, no milliseconds). */
export function aliyunTimestamp(ms: number): string {
  return iso(ms);
}

export interface SignedRpcInput {
  readonly method: 'GET' | 'POST';
  readonly action: string;
  readonly version: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  readonly now: number;
  readonly nonce?: string;
  readonly params: Readonly<Record<string, string>>;
}

/** All parameters of a signed RPC v1 request, `Signature` included, ready to become a query string or form body. */
export function signedRpcParams(input: SignedRpcInput): Record<string, string> {
  const params: Record<string, string> = {
    ...input.params,
    Action: input.action,
    Format: 'JSON',
    Version: input.version,
    AccessKeyId: input.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: input.nonce ?? randomUUID(),
    Timestamp: aliyunTimestamp(input.now),
    ...(input.securityToken ? { SecurityToken: input.securityToken } : {}),
  };
  params.Signature = signV1(input.method, params, input.accessKeySecret);
  return params;
}

/** `a=1&b=2` with Alibaba percent-encoding, in the given order. */
export function toQueryString(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
}
