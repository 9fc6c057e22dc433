import { createHash, createHmac, randomUUID } from 'node:crypto';
import { compareText } from '../../core/text.js';
import { aliyunTimestamp, percentEncode } from './signer.js';

/** The algorithm name in `Authorization` and the first line of the string to sign. */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** Hex SHA-256, the payload hash of `x-acs-content-sha256` and of the canonical request. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A request as the v3 signature sees it. */
export interface Acs3Request {
  readonly method: string;
  /** The path as sent; `/` for RPC APIs such as RDS. */
  readonly path: string;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** Headers in any case; only `host`, `content-type` and `x-acs-*` take part in the signature. */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body (of the empty string when there is none). */
  readonly payloadHash: string;
}

/** Whether a header is signed: `host`, `content-type` and every `x-acs-*` header (the official SDKs' rule). */
export function isAcs3SignedHeader(lowerName: string): boolean {
  return lowerName === 'host' || lowerName === 'content-type' || lowerName.startsWith('x-acs-');
}

/**
 * Sorted parameters as `name=value`, joined by `&`, both Alibaba-percent-encoded (`%20`, `%2A`, `~`
 * kept). The official SDKs encode only the value; every Alibaba parameter name is plain ASCII
 * (`[A-Za-z0-9.]`), where both readings agree, and encoding the name is what the documentation says.
 */
export function acs3CanonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort(compareText)
    .map((k) => `${percentEncode(k)}=${percentEncode(query[k] as string)}`)
    .join('&');
}

/**
 * The signed headers of a request: lowercased names, sorted, each with its trimmed values (sorted
 * and joined by `,` when a name occurs in several cases), as `name:value\n` lines. `names` restricts
 * the set to what a client declared in SignedHeaders (a verifier); default every signable header.
 */
export function acs3CanonicalHeaders(
  headers: Readonly<Record<string, string>>,
  names?: readonly string[],
): { canonical: string; signedHeaders: string[] } {
  const values = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (names ? !names.includes(lower) : !isAcs3SignedHeader(lower)) continue;
    values.set(lower, [...(values.get(lower) ?? []), value.trim()]);
  }
  const signedHeaders = [...values.keys()].sort(compareText);
  const canonical = signedHeaders.map((name) => `${name}:${(values.get(name) ?? []).sort().join(',')}\n`).join('');
  return { canonical, signedHeaders };
}

/** `METHOD\nPATH\nQUERY\nHEADERS\nSIGNEDHEADERS\nPAYLOADHASH`. */
export function acs3CanonicalRequest(req: Acs3Request, names?: readonly string[]): { canonicalRequest: string; signedHeaders: string[] } {
  const { canonical, signedHeaders } = acs3CanonicalHeaders(req.headers, names);
  const canonicalRequest = [
    req.method.toUpperCase(),
    req.path,
    acs3CanonicalQuery(req.query),
    canonical,
    signedHeaders.join(';'),
    req.payloadHash,
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** Hex HMAC-SHA256 with the secret as is (no `&`, unlike v1) over `ACS3-HMAC-SHA256\n{hex(sha256(canonical request))}`. */
export function acs3Signature(canonicalRequest: string, accessKeySecret: string): string {
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}

/** The `Authorization` value for a request: `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`. */
export function acs3Authorization(req: Acs3Request, accessKeyId: string, accessKeySecret: string): string {
  const { canonicalRequest, signedHeaders } = acs3CanonicalRequest(req);
  const signature = acs3Signature(canonicalRequest, accessKeySecret);
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
}

/** The parts of an ACS3 `Authorization` header, or undefined when it is not one. */
export interface Acs3Credential {
  readonly accessKeyId: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const AUTHORIZATION = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]*)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Parses `ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...` (spaces after commas tolerated). */
export function parseAcs3Authorization(header: string): Acs3Credential | undefined {
  const m = AUTHORIZATION.exec(header.trim());
  if (!m) return undefined;
  const [, accessKeyId = '', names = '', signature = ''] = m;
  return {
    accessKeyId,
    signedHeaders: names === '' ? [] : names.split(';').map((n) => n.toLowerCase()),
    signature: signature.toLowerCase(),
  };
}

/** What a v3 RPC call needs beyond its parameters. */
export interface Acs3RpcInput {
  /** The full URL as sent, query included: its host is signed. */
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly action: string;
  readonly version: string;
  readonly query: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  readonly now: number;
  readonly nonce?: string;
  /** Default empty: RPC parameters travel in the query, as `@alicloud/rds20140815` sends them. */
  readonly body?: string;
  readonly contentType?: string;
}

/**
 * The headers of a v3-signed RPC request, `Authorization` included: `x-acs-action`, `x-acs-version`,
 * `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256` (and `x-acs-security-token` for STS).
 * `host` is signed with the URL's host, which is what fetch sends, and is not returned (fetch sets it).
 */
export function signedAcs3Headers(input: Acs3RpcInput): Record<string, string> {
  const body = input.body ?? '';
  const payloadHash = sha256Hex(body);
  const headers: Record<string, string> = {
    'x-acs-action': input.action,
    'x-acs-version': input.version,
    'x-acs-date': aliyunTimestamp(input.now),
    // Hex like the SDKs' nonces; a UUID's randomness, without dashes.
    'x-acs-signature-nonce': input.nonce ?? randomUUID().replace(/-/g, ''),
    'x-acs-content-sha256': payloadHash,
    ...(input.securityToken ? { 'x-acs-accesskey-id': input.accessKeyId, 'x-acs-security-token': input.securityToken } : {}),
    ...(input.contentType ? { 'content-type': input.contentType } : {}),
  };
  const host = new URL(input.url).host;
  const authorization = acs3Authorization(
    { method: input.method, path: '/', query: input.query, headers: { ...headers, host }, payloadHash },
    input.accessKeyId,
    input.accessKeySecret,
  );
  return { ...headers, authorization };
}
