import type { AccountConfig } from '../../config/schema.js';
import { ProviderError } from '../../core/errors.js';
import { describeIssues } from '../aliyun/schema.js';
import { type HttpResponse, parseJsonBody, safeHost, send, withPageRetry } from '../http.js';
import type { ProviderContext } from '../types.js';
import { ucloudError, ucloudHttpError } from './errors.js';
import { ucloudEnvelope } from './schema.js';
import { signedUcloudParams, type UcloudParamValue } from './signer.js';

/** A `ucloud` account from the config. */
export type UcloudAccount = Extract<AccountConfig, { cloud: 'ucloud' }>;

/** UCloud's public API endpoint, used when an account sets no `endpoint`. */
export const UCLOUD_ENDPOINT = 'https://api.ucloud.cn';

/** Signed calls to one UCloud account's API. */
export interface UcloudClient {
  /**
   * One API call, signed and retried on its own (throttling, 110/150, network errors, a truncated
   * body). Resolves to the parsed body of a `RetCode: 0` answer; the caller validates its shape.
   * Throws ProviderError mapped from the RetCode, with the `X-UCloud-Request-UUID` in the message.
   */
  call(action: string, params: { readonly [key: string]: UcloudParamValue }): Promise<unknown>;
}

/** Resolves the account's keys once (at the moment of use) and returns a client for it. */
export function ucloudClient(account: UcloudAccount, accountName: string, ctx: ProviderContext): UcloudClient {
  const creds = {
    publicKey: ctx.secret(account.publicKey, `accounts.${accountName}.publicKey`),
    privateKey: ctx.secret(account.privateKey, `accounts.${accountName}.privateKey`),
  };
  const endpoint = (account.endpoint ?? UCLOUD_ENDPOINT).replace(/\/+$/, '');
  // ProjectId only when configured: without it UCloud uses the default project (sub-accounts must set it).
  const common = account.projectId === undefined ? {} : { ProjectId: account.projectId };
  return {
    call(action, params) {
      // Signed once: UCloud signatures carry no timestamp or nonce, so every attempt sends the same request.
      const signed = signedUcloudParams({ action, ...creds, params: { ...params, ...common } });
      return withPageRetry(ctx, () => callOnce(ctx, { endpoint, action, signed, privateKey: creds.privateKey }));
    },
  };
}

interface CallInput {
  readonly endpoint: string;
  readonly action: string;
  /** Flattened, signed parameters, exactly as sent. */
  readonly signed: Readonly<Record<string, string>>;
  /** Only to mask it should the provider ever echo it. */
  readonly privateKey: string;
}

/**
 * POST with a form body, as the official Go SDK sends every call (its FormEncoder; the JS SDK posts
 * JSON, GET works too). A form keeps `PublicKey` and `Signature` out of the URL, which proxies and
 * access logs record, and every value travels as exactly the text that was signed: with JSON the
 * gateway re-renders numbers and booleans before verifying. `Action` is repeated in the query, as the
 * Go SDK does, so a request is identifiable in such logs without its body.
 */
async function callOnce(ctx: ProviderContext, input: CallInput): Promise<unknown> {
  const url = `${input.endpoint}/?Action=${encodeURIComponent(input.action)}`;
  const res = await send(ctx, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(input.signed).toString(),
  });
  const requestId = res.headers.get('x-ucloud-request-uuid') ?? undefined;
  const secrets = [input.privateKey];
  if (res.status < 200 || res.status > 299) throw failedResponse(input.action, res, requestId, secrets);
  const json = parseJsonBody(res, url);
  const envelope = ucloudEnvelope.safeParse(json);
  if (!envelope.success) {
    throw new ProviderError(
      'invalid-response',
      `ucloud ${input.action}: ${safeHost(url)} answered without a UCloud envelope (${describeIssues(envelope.error.issues)})`,
      {
        permanent: true,
        httpStatus: res.status,
        ...(requestId !== undefined && { requestId }),
      },
    );
  }
  const { RetCode, Action, Message } = envelope.data;
  if (RetCode !== 0) throw ucloudError(input.action, { RetCode, Message: Message ?? undefined }, res.status, requestId, secrets);
  if (Action !== undefined && Action !== `${input.action}Response`) {
    throw new ProviderError('invalid-response', `ucloud ${input.action}: the answer is for ${Action}`, {
      permanent: true,
      httpStatus: res.status,
      ...(requestId !== undefined && { requestId }),
    });
  }
  ctx.keepBody?.(res.text);
  return json;
}

/** A non-2xx answer: the RetCode decides when the body has one, else the HTTP status. */
function failedResponse(action: string, res: HttpResponse, requestId: string | undefined, secrets: readonly string[]): ProviderError {
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    return ucloudHttpError(action, res.status, res.text.length, requestId);
  }
  const envelope = ucloudEnvelope.safeParse(json);
  if (!envelope.success || envelope.data.RetCode === 0) return ucloudHttpError(action, res.status, res.text.length, requestId);
  return ucloudError(
    action,
    { RetCode: envelope.data.RetCode, Message: envelope.data.Message ?? undefined },
    res.status,
    requestId,
    secrets,
  );
}
