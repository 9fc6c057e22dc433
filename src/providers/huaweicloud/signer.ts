import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { compareText } from '../../core/text.js';

/** The algorithm name in `Authorization` and the first line of the string to sign. */
export const SDK_ALGORITHM = 'SDK-HMAC-SHA256';
/** Payload hash used instead of the body's when `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is sent. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/**
 * A request as the signature sees it. `path` is the path as sent (percent-encoded segments); `query`
 * holds decoded name/value pairs in any order (repeated names repeat); `headers` may use any case.
 */
export interface SignableRequest {
  readonly method: string;
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * RFC 3986 percent-encoding of UTF-8: everything except `A-Z a-z 0-9 - _ . ~` (so `+` is `%2B` and
 * space `%20`), the encoding the official SDKs apply to path segments, query names and values.
 */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20191115T033655Z`: the X-Sdk-Date form of an instant (UTC, whole seconds). */
export function sdkDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The instant of an X-Sdk-Date value, or undefined when it is not exactly `YYYYMMDDTHHMMSSZ`. */
export function parseSdkDate(text: string): number | undefined {
  const m = SDK_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return sdkDate(ms) === text ? ms : undefined; // rejects month 13, February 30th and the like
}

/**
 * Each segment decoded, then RFC 3986-encoded, and a trailing `/` appended. Decoding first makes the
 * result the same whether a client sent `%7E` or `~`, and lets a server verify the path it received.
 */
export function canonicalUri(path: string): string {
  const encoded = path
    .split('/')
    .map((segment) => rfc3986(decodeSegment(segment)))
    .join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray `%` is a literal percent sign
  }
}

/** UTF-16 code-unit order, as `Array.prototype.sort()` and the Node SDK use. */
const byCodeUnit = compareText;

/** Sorted by name, then by value for repeated names; names and values RFC 3986-encoded; joined with `&`. */
export function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  return [...query]
    .sort(([ka, va], [kb, vb]) => byCodeUnit(ka, kb) || byCodeUnit(va, vb))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join('&');
}

/** Header names lowercased; values trimmed. A name given twice in different cases keeps the last. */
function lowercaseHeaders(headers: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) out.set(name.toLowerCase(), value.trim());
  return out;
}

/** The signed header names as they appear in `SignedHeaders`: lowercase, sorted, unique. */
export function signedHeaderList(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.toLowerCase()))].sort(byCodeUnit);
}

/**
 * `METHOD\nURI\nQUERY\nHEADERS\nSIGNEDHEADERS\nPAYLOADHASH`. Throws when a signed header is absent:
 * a request cannot have been signed over a header it does not carry.
 */
export function canonicalRequest(req: SignableRequest, signedHeaders: readonly string[]): string {
  const headers = lowercaseHeaders(req.headers);
  const names = signedHeaderList(signedHeaders);
  let canonicalHeaders = '';
  for (const name of names) {
    const value = headers.get(name);
    if (value === undefined) throw new Error(`signed header ${name} is not in the request`);
    canonicalHeaders += `${name}:${value}\n`;
  }
  const payload = headers.get('x-sdk-content-sha256') === UNSIGNED_PAYLOAD ? UNSIGNED_PAYLOAD : sha256Hex(req.body ?? '');
  return [req.method.toUpperCase(), canonicalUri(req.path), canonicalQuery(req.query), canonicalHeaders, names.join(';'), payload].join(
    '\n',
  );
}

/** `SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex(sha256(canonical request))}`. */
export function stringToSign(date: string, canonical: string): string {
  return `${SDK_ALGORITHM}\n${date}\n${sha256Hex(canonical)}`;
}

/** Hex HMAC-SHA256 of the request under the secret key, over the given signed headers. */
export function sdkSignature(req: SignableRequest, signedHeaders: readonly string[], date: string, secretKey: string): string {
  return createHmac('sha256', secretKey)
    .update(stringToSign(date, canonicalRequest(req, signedHeaders)), 'utf8')
    .digest('hex');
}

/** What `signRequest` needs: the request, the Host it will carry, the key pair and the instant to sign at. */
export interface SignInput {
  readonly request: Omit<SignableRequest, 'headers'> & { readonly headers?: Readonly<Record<string, string>> };
  /** `host[:port]` as the HTTP client will send it (URL.host: no default port). */
  readonly host: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** Epoch ms from the context clock; becomes X-Sdk-Date. */
  readonly now: number;
}

/**
 * The headers that authenticate a request: `X-Sdk-Date` and `Authorization`, signed over `host`,
 * `x-sdk-date` and every header in `request.headers` (which the caller must send unchanged).
 * `Host` is signed but not returned: the HTTP client sets it from the URL.
 */
export function signRequest(input: SignInput): { 'X-Sdk-Date': string; Authorization: string } {
  const date = sdkDate(input.now);
  const headers = { ...input.request.headers, host: input.host, 'x-sdk-date': date };
  const names = signedHeaderList(Object.keys(headers));
  const signature = sdkSignature({ ...input.request, headers }, names, date, input.secretKey);
  return { 'X-Sdk-Date': date, Authorization: authorizationHeader(input.accessKey, names, signature) };
}

/** `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`, byte for byte as the official SDKs write it. */
export function authorizationHeader(accessKey: string, signedHeaders: readonly string[], signature: string): string {
  return `${SDK_ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaderList(signedHeaders).join(';')}, Signature=${signature}`;
}

const AUTHORIZATION = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Why a verification failed; the simulator picks the gateway's error code from it. */
export type VerifyFailure = 'missing' | 'malformed' | 'unknown-key' | 'bad-date' | 'expired' | 'mismatch';

/** The verifier's answer: the access key that signed, or why the request is refused (never the secret). */
export type Verification =
  | { readonly ok: true; readonly accessKey: string }
  | { readonly ok: false; readonly reason: VerifyFailure; readonly accessKey?: string; readonly detail: string };

/** Where the verifier finds secrets and what it takes as "now". */
export interface VerifyOptions {
  /** The secret key of an access key, or undefined when the key is unknown. */
  readonly secretFor: (accessKey: string) => string | undefined;
  readonly now: number;
  /** Allowed distance between X-Sdk-Date and `now`; the gateway allows 15 minutes. */
  readonly maxSkewMs: number;
}

/**
 * Verifies an SDK-HMAC-SHA256 request as the API gateway does: parses `Authorization`, rebuilds the
 * canonical request over exactly the SignedHeaders the client listed (SDKs sign different sets), and
 * compares signatures in constant time. `req.headers` must hold the received headers.
 */
export function verifySdkRequest(req: SignableRequest, opts: VerifyOptions): Verification {
  const headers = lowercaseHeaders(req.headers);
  const authorization = headers.get('authorization');
  if (authorization === undefined) return { ok: false, reason: 'missing', detail: 'no Authorization header' };
  const m = AUTHORIZATION.exec(authorization);
  if (!m) return { ok: false, reason: 'malformed', detail: 'Authorization is not SDK-HMAC-SHA256 Access=, SignedHeaders=, Signature=' };
  const [, accessKey = '', signedList = '', given = ''] = m;
  const secret = opts.secretFor(accessKey);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', accessKey, detail: 'unknown access key' };
  const dateText = headers.get('x-sdk-date');
  const date = dateText === undefined ? undefined : parseSdkDate(dateText);
  if (dateText === undefined || date === undefined)
    return { ok: false, reason: 'bad-date', accessKey, detail: 'X-Sdk-Date missing or not YYYYMMDDTHHMMSSZ' };
  if (Math.abs(opts.now - date) > opts.maxSkewMs)
    return { ok: false, reason: 'expired', accessKey, detail: `signature time ${dateText}, server time ${sdkDate(opts.now)}` };
  let expected: string;
  try {
    expected = sdkSignature(req, signedList.split(';'), dateText, secret);
  } catch (err) {
    return { ok: false, reason: 'mismatch', accessKey, detail: (err as Error).message };
  }
  const same = expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase()));
  return same ? { ok: true, accessKey } : { ok: false, reason: 'mismatch', accessKey, detail: 'signature does not match' };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
