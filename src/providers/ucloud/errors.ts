import { ProviderError, type ProviderErrorKind } from '../../core/errors.js';

interface ErrorClass {
  readonly kind: ProviderErrorKind;
  readonly permanent: boolean;
  readonly hint?: string;
}

/**
 * The gateway's RetCodes, documented for every UCloud API (docs.ucloud.cn/api/summary/public), and
 * what each means for a poll. 130 ("gateway or authentication service error") is taken as permanent
 * auth: retrying a rejected credential only adds load, and the next poll tries again anyway.
 */
const GATEWAY: Readonly<Record<number, ErrorClass>> = {
  110: { kind: 'timeout', permanent: false },
  130: { kind: 'auth', permanent: true },
  150: { kind: 'server', permanent: false },
  153: { kind: 'throttled', permanent: false },
  160: { kind: 'client', permanent: true },
  161: { kind: 'client', permanent: true },
  170: { kind: 'auth', permanent: true },
  171: { kind: 'auth', permanent: true, hint: 'check the PublicKey/PrivateKey pair' },
  172: { kind: 'auth', permanent: true, hint: 'check the PublicKey' },
  174: { kind: 'auth', permanent: true },
  292: { kind: 'client', permanent: true, hint: "check the account's projectId" },
  293: { kind: 'auth', permanent: true },
  294: { kind: 'auth', permanent: true, hint: 'the API key may only be used from allow-listed IP addresses' },
  295: { kind: 'auth', permanent: true },
  299: { kind: 'auth', permanent: true },
};

/**
 * "Params [InstanceID] not available": RetCode 230 is UCloud's generic "parameter value not usable",
 * and for the instance parameter it means there is no such instance (for this account, region and zone).
 */
const INSTANCE_PARAM_UNAVAILABLE = /\bParams? \[(InstanceID|InstanceId|Id)\] (not available|not exists?|does not exist)/i;
/** Service messages for a missing resource, in the wordings UCloud services use. */
const NOT_FOUND_TEXT = /\b(not (exist|exists|found)|does ?n[o']t exist|no such)\b|不存在/i;

/**
 * What a UCloud RetCode means for the poll. The documents do not say which RetCode UPgSQL and TiDB
 * return for an unknown instance, so two signals count as `not-found`: RetCode 230 naming the
 * instance parameter, or any service (non-gateway) RetCode whose message says the thing does not
 * exist. Gateway codes keep their meaning whatever the text (172 "User Not Exists" is auth).
 * Other codes are permanent client errors: the poll fails and the next one tries again.
 */
export function classifyUcloudError(retCode: number, message: string | undefined, httpStatus: number): ErrorClass {
  const gateway = GATEWAY[retCode];
  if (gateway) return gateway;
  if (retCode >= 292 && retCode <= 299) return { kind: 'auth', permanent: true };
  const text = message ?? '';
  if ((retCode === 230 && INSTANCE_PARAM_UNAVAILABLE.test(text)) || NOT_FOUND_TEXT.test(text))
    return { kind: 'not-found', permanent: true };
  return classifyHttpStatus(httpStatus) ?? { kind: 'client', permanent: true };
}

/** For answers without a RetCode (a proxy's error page) and as the fallback for unknown codes sent with an error status. */
export function classifyHttpStatus(status: number): ErrorClass | undefined {
  if (status === 429) return { kind: 'throttled', permanent: false };
  if (status >= 500) return { kind: 'server', permanent: false };
  if (status === 401 || status === 403) return { kind: 'auth', permanent: true };
  if (status >= 400) return { kind: 'client', permanent: true };
  return undefined;
}

/** A UCloud error body, as far as it was understood. */
export interface UcloudErrorBody {
  readonly RetCode: number;
  readonly Message?: string | undefined;
}

/**
 * Builds the ProviderError for a RetCode: `ucloud ListUPgSQLBackup RetCode 171: Signature VerifyAC
 * Error (request <uuid>); check the PublicKey/PrivateKey pair`. `secrets` are masked in the provider's
 * text as a second line of defence; nothing of the request (which carries the signature) is included.
 */
export function ucloudError(
  action: string,
  body: UcloudErrorBody,
  httpStatus: number,
  requestId: string | undefined,
  secrets: readonly string[],
): ProviderError {
  const cls = classifyUcloudError(body.RetCode, body.Message, httpStatus);
  const text = providerText(body.Message, secrets);
  const message = [
    `ucloud ${action} RetCode ${body.RetCode}${text ? `: ${text}` : ''}`,
    httpStatus !== 200 ? ` (HTTP ${httpStatus})` : '',
    requestId ? ` (request ${requestId})` : '',
    cls.hint ? `; ${cls.hint}` : '',
  ].join('');
  return new ProviderError(cls.kind, message, {
    permanent: cls.permanent,
    code: String(body.RetCode),
    httpStatus,
    ...(requestId !== undefined && { requestId }),
  });
}

/** An error status whose body is not a UCloud answer (a load balancer's page, an empty body). */
export function ucloudHttpError(action: string, httpStatus: number, bodyLength: number, requestId: string | undefined): ProviderError {
  const cls = classifyHttpStatus(httpStatus) ?? { kind: 'invalid-response', permanent: true };
  const request = requestId ? ` (request ${requestId})` : '';
  return new ProviderError(cls.kind, `ucloud ${action}: HTTP ${httpStatus} without a UCloud error body (${bodyLength} bytes)${request}`, {
    permanent: cls.permanent,
    httpStatus,
    ...(requestId !== undefined && { requestId }),
  });
}

const MAX_MESSAGE = 300;

function providerText(message: string | undefined, secrets: readonly string[]): string {
  if (!message) return '';
  let text = message.trim();
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('[redacted]');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}
