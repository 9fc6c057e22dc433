import { timingSafeEqual } from 'node:crypto';
import { acs3CanonicalRequest, acs3Signature, parseAcs3Authorization, sha256Hex } from '../providers/aliyun/signer-v3.js';
import { ALIYUN_SKEW_MS, type NonceCache } from './aliyun-rpc.js';
import type { SimEnv, SimRequest, SimResponse } from './api.js';
import type { SimAccount } from './fleet.js';

type Fail = (status: number, code: string, message: string) => SimResponse;

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const REQUIRED = ['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce'] as const;

/** The access key an ACS3 request claims (before it is verified): for per-account rate limits. */
export function acs3AccessKey(req: SimRequest): string | undefined {
  return parseAcs3Authorization(header(req, 'authorization') ?? '')?.accessKeyId;
}

/**
 * Authenticates an ACS3-HMAC-SHA256 (signature v3) request: a well-formed `Authorization`, the
 * `x-acs-*` headers an RPC call needs, a known AccessKeyId, an `x-acs-date` within 15 minutes, a
 * SignedHeaders list that covers `host` and every `x-acs-*` header sent (so none can be swapped),
 * the signature rebuilt from the request as received (the body hashed here, not taken from the
 * client's `x-acs-content-sha256`), and an unused nonce. Alibaba's error codes and bodies, as for v1.
 */
export function verifyAcs3(req: SimRequest, env: SimEnv, nonces: NonceCache, fail: Fail): { account: SimAccount } | { error: SimResponse } {
  const credential = parseAcs3Authorization(header(req, 'authorization') ?? '');
  if (!credential)
    return {
      error: fail(
        400,
        'IncompleteSignature',
        'The request signature does not conform to Aliyun standards. ' +
          '(Authorization is not ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...)',
      ),
    };
  for (const name of REQUIRED) {
    if (!header(req, name))
      return {
        error: fail(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards. (missing header ${name})`),
      };
  }
  const account = env.fleet.account(credential.accessKeyId);
  if (account?.cloud !== 'aliyun') return { error: fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.') };
  const date = header(req, 'x-acs-date') as string;
  const at = DATE.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(at)) return { error: fail(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.') };
  const now = env.clock();
  if (Math.abs(now - at) > ALIYUN_SKEW_MS)
    return { error: fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.') };
  const headers = receivedHeaders(req);
  const unsigned = Object.keys(headers).filter(
    (name) => (name === 'host' || name.startsWith('x-acs-')) && !credential.signedHeaders.includes(name),
  );
  if (unsigned.length > 0) {
    return {
      error: fail(
        400,
        'IncompleteSignature',
        `The request signature does not conform to Aliyun standards. (header ${unsigned.join(', ')} not in SignedHeaders)`,
      ),
    };
  }
  // Rebuilt over exactly the headers the client declared: SDKs sign different sets (user-agent is never signed).
  const { canonicalRequest } = acs3CanonicalRequest(
    { method: req.method, path: req.path === '' ? '/' : req.path, query: queryParams(req), headers, payloadHash: sha256Hex(req.body) },
    credential.signedHeaders,
  );
  if (!sameText(acs3Signature(canonicalRequest, account.accessKeySecret), credential.signature)) {
    return { error: fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.') };
  }
  // Only a correctly signed request consumes its nonce; a forged one must not burn a real client's nonce.
  if (nonces.used(account.accessKeyId, header(req, 'x-acs-signature-nonce') as string, now)) {
    return { error: fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.') };
  }
  return { account };
}

/** The query as the server decoded it; a name sent twice keeps its last value, as `params` does. */
function queryParams(req: SimRequest): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of req.query) out[key] = value;
  return out;
}

/** Received headers as text (Node lowercases names and joins repeats). */
function receivedHeaders(req: SimRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
  return out;
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text === '' ? undefined : text;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
