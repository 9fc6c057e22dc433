import { ProviderError, type ProviderErrorKind } from '../../core/errors.js';
import type { HttpResponse } from '../http.js';
import { type GatewayErrorBody, gatewayErrorBody } from './schema.js';

interface ErrorClass {
  readonly kind: ProviderErrorKind;
  readonly permanent: boolean;
  readonly hint?: string;
}

/**
 * The codes that mean "these credentials cannot make this call": APIG.0301 (bad AK/SK signature, bad
 * or expired token), APIG.0302 (IAM denied), APIG.0303 (signature expired, unknown app key),
 * APIG.0307 (token must be updated), and DBS.200010 (tenant and instance do not match).
 */
const AUTH_CODES = new Set(['APIG.0301', 'APIG.0302', 'APIG.0303', 'APIG.0307', 'DBS.200010']);

/**
 * DBS.200002 "The DB instance does not exist." (HTTP 404) in both the RDS and the DDS error-code
 * tables. (DBS.200022 is "instance name already exists" and DBS.280239 "invalid specifications":
 * neither means not-found.)
 */
const NOT_FOUND_CODES = new Set(['DBS.200002']);

/** APIG.0201 carries several statuses: only its 502/504 (backend unavailable / timeout) are worth a retry. */
export function classifyGatewayError(code: string | undefined, status: number): ErrorClass {
  if (code === 'APIG.0308' || status === 429) return { kind: 'throttled', permanent: false };
  if (code !== undefined) {
    if (code === 'APIG.0303') {
      return {
        kind: 'auth',
        permanent: true,
        hint: "if the message says the signature expired, check this machine's clock: the gateway allows 15 minutes",
      };
    }
    if (AUTH_CODES.has(code)) return { kind: 'auth', permanent: true };
    if (NOT_FOUND_CODES.has(code)) return { kind: 'not-found', permanent: true };
  }
  if (status >= 500) return { kind: 'server', permanent: false };
  if (status === 401 || status === 403) return { kind: 'auth', permanent: true };
  return { kind: 'client', permanent: true };
}

/**
 * The ProviderError for a failed response: `<label> <code>: <provider text> (request <id>)`.
 * The request id comes from `X-Request-Id` or the body's `request_id`. `secrets` (SK, password,
 * token) are masked out of the provider's text; the URL is never included.
 */
export function gatewayResponseError(label: string, res: HttpResponse, secrets: readonly string[]): ProviderError {
  const body = gatewayErrorBody(res.text);
  const retryAfterMs = retryAfter(res.headers.get('retry-after'));
  const headerId = res.headers.get('x-request-id') ?? undefined;
  if (!body) {
    const cls = classifyGatewayError(undefined, res.status);
    return new ProviderError(
      cls.kind,
      `${label} HTTP ${res.status} without an error body (${res.text.length} bytes)${headerId ? ` (request ${headerId})` : ''}`,
      {
        permanent: cls.permanent,
        httpStatus: res.status,
        ...(headerId !== undefined && { requestId: headerId }),
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      },
    );
  }
  return gatewayError(label, res.status, body, secrets, { requestId: headerId ?? body.requestId, retryAfterMs });
}

/** Builds the ProviderError for a parsed error body. */
export function gatewayError(
  label: string,
  status: number,
  body: GatewayErrorBody,
  secrets: readonly string[],
  extra: { requestId?: string | undefined; retryAfterMs?: number | undefined } = {},
): ProviderError {
  const cls = classifyGatewayError(body.code, status);
  const text = providerText(body.message, secrets);
  const requestId = extra.requestId ?? body.requestId;
  const message = [
    `${label} ${body.code}${text ? `: ${text}` : ''}`,
    requestId ? ` (request ${requestId})` : '',
    cls.hint ? `; ${cls.hint}` : '',
  ].join('');
  return new ProviderError(cls.kind, message, {
    permanent: cls.permanent,
    code: body.code,
    httpStatus: status,
    ...(requestId !== undefined && { requestId }),
    ...(extra.retryAfterMs !== undefined && { retryAfterMs: extra.retryAfterMs }),
  });
}

const MAX_MESSAGE = 300;

/** Provider text bounded in length, with every known secret of at least 4 characters masked. */
export function providerText(message: string | undefined, secrets: readonly string[]): string {
  if (!message) return '';
  let text = message.trim();
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('[redacted]');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** `Retry-After` in whole seconds (the only form gateways send in practice); an HTTP date is ignored. */
export function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}
