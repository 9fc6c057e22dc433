import { ProviderError, type ProviderErrorKind } from '../../core/errors.js';
import type { HttpResponse } from '../http.js';
import { type AliyunErrorBody, aliyunErrorBody } from './schema.js';

interface ErrorClass {
  readonly kind: ProviderErrorKind;
  readonly permanent: boolean;
  readonly hint?: string;
}

/** Codes that mean "these credentials cannot make this call"; retrying cannot fix them. */
const AUTH_CODES = [
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidAccessKeyId',
  'InvalidAccessKeySecret',
  'InvalidSecurityToken',
  'MissingSecurityToken',
  'Forbidden',
  'NoPermission',
  'Unauthorized',
];
/** One of AUTH_CODES, alone or with a `.detail` suffix. */
const AUTH_CODE = new RegExp(`^(${AUTH_CODES.join('|')})(\\.|$)`);

/**
 * What an Alibaba error code means for the poll. Throttling comes back as HTTP 400, so the code,
 * not the status, decides; the status is the fallback for codes not listed here.
 */
export function classifyAliyunError(code: string | undefined, status: number): ErrorClass {
  if (code !== undefined) {
    if (code === 'Throttling' || code.startsWith('Throttling.')) return { kind: 'throttled', permanent: false };
    if (code === 'ServiceUnavailable' || code === 'InternalError' || code.startsWith('InternalError.'))
      return { kind: 'server', permanent: false };
    if (code === 'InvalidTimeStamp.Expired') {
      return {
        kind: 'auth',
        permanent: true,
        hint: "check this machine's clock: Alibaba rejects a Timestamp more than 15 minutes from its own time",
      };
    }
    // A collision of random nonces, or a resent request: a new attempt signs with a new nonce.
    if (code === 'SignatureNonceUsed') return { kind: 'client', permanent: false };
    if (AUTH_CODE.test(code)) return { kind: 'auth', permanent: true };
    if (/^InvalidDBInstance(Id|Name)\.NotFound$/.test(code)) return { kind: 'not-found', permanent: true };
  }
  if (status === 429) return { kind: 'throttled', permanent: false };
  if (status >= 500) return { kind: 'server', permanent: false };
  if (status === 401 || status === 403) return { kind: 'auth', permanent: true };
  return { kind: 'client', permanent: true };
}

/**
 * Maps a failed response (non-2xx, or 2xx carrying an error `Code`) to a ProviderError whose message
 * is `aliyun <Code>: <provider message> (request <RequestId>)`. `secrets` are scrubbed from the
 * provider's text as a second line of defence; the request URL is never included (it is signed).
 */
export function aliyunResponseError(res: HttpResponse, secrets: readonly string[]): ProviderError {
  const body = errorBody(res.text);
  const retryAfterMs = retryAfter(res.headers.get('retry-after'));
  if (!body) {
    const cls = classifyAliyunError(undefined, res.status);
    return new ProviderError(cls.kind, `aliyun HTTP ${res.status} without an Alibaba error body (${res.text.length} bytes)`, {
      permanent: cls.permanent,
      httpStatus: res.status,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  return aliyunError(res.status, body, secrets, retryAfterMs);
}

/** Builds the ProviderError for a parsed Alibaba error body. */
export function aliyunError(status: number, body: AliyunErrorBody, secrets: readonly string[], retryAfterMs?: number): ProviderError {
  const cls = classifyAliyunError(body.Code, status);
  const requestId = body.RequestId;
  const text = providerText(body.Message, secrets);
  const message = [
    `aliyun ${body.Code}${text ? `: ${text}` : ''}`,
    requestId ? ` (request ${requestId})` : '',
    cls.hint ? `; ${cls.hint}` : '',
  ].join('');
  return new ProviderError(cls.kind, message, {
    permanent: cls.permanent,
    code: body.Code,
    httpStatus: status,
    ...(requestId !== undefined && { requestId }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/** The error body if the text is one, else undefined (a proxy's HTML page, a truncated body...). */
export function errorBody(text: string): AliyunErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = aliyunErrorBody.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

const MAX_MESSAGE = 300;

/**
 * The provider's message, safe to store: for SignatureDoesNotMatch Alibaba appends its
 * "server string to sign", which carries the AccessKeyId and, with STS, the SecurityToken, so
 * everything from there on is cut. Known secrets are masked and the length is bounded.
 */
function providerText(message: string | undefined, secrets: readonly string[]): string {
  if (!message) return '';
  let text = message.replace(/\s*server string ?to ?sign is:[\s\S]*$/i, '').trim();
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('[redacted]');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}
