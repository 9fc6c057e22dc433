import type { AccountConfig } from '../../config/schema.js';
import { ProviderError } from '../../core/errors.js';
import { type HttpResponse, parseJsonBody, safeHost, send, withPageRetry } from '../http.js';
import type { ProviderContext } from '../types.js';
import { gatewayError, gatewayResponseError } from './errors.js';
import type { IamTokenCache, PasswordLogin } from './iam.js';
import { gatewayErrorBody } from './schema.js';
import { rfc3986, signRequest } from './signer.js';

/** An `otc` account from the config. */
export type OtcAccount = Extract<AccountConfig, { cloud: 'otc' }>;
/** A `huaweicloud` account from the config. */
export type HuaweicloudAccount = Extract<AccountConfig, { cloud: 'huaweicloud' }>;
/** An account of either cloud behind the Huawei API gateway: same shape, same auth. */
export type GatewayAccount = OtcAccount | HuaweicloudAccount;

/** IAM endpoints used when an account sets no `iamEndpoint`. */
export const DEFAULT_IAM_ENDPOINT: Readonly<Record<GatewayAccount['cloud'], (region: string) => string>> = {
  otc: (region) => `https://iam.${region}.otc.t-systems.com`,
  huaweicloud: (region) => `https://iam.${region}.myhuaweicloud.com`,
};

/** Decoded query parameters in sending order; a name may repeat. */
export type QueryPairs = readonly (readonly [string, string])[];

/** `a=1&b=2`, RFC 3986-encoded exactly as the signature encodes it (`+` → `%2B`, space → `%20`). */
export function queryString(query: QueryPairs): string {
  return query.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
}

type GatewayAuth =
  | { readonly type: 'aksk'; readonly accessKey: string; readonly secretKey: string }
  | { readonly type: 'password'; readonly login: PasswordLogin };

/** One account's way into one service: where, which project, which credentials. */
export interface GatewayClientOptions {
  /** `https://rds.eu-de.otc.t-systems.com`, or the simulator; no trailing slash needed. */
  readonly endpoint: string;
  readonly projectId: string;
  readonly auth: GatewayAuth;
  readonly tokens: IamTokenCache;
  /** `otc rds`: starts every error message. */
  readonly label: string;
}

/** What an adapter instance owns: its IAM token cache (shared by every account it polls, keyed per login). */
export interface GatewaySourceDeps {
  readonly tokens?: IamTokenCache;
}

/** A page validator: the typed value, or the first problem found. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * GETs from `{endpoint}/v3/{project_id}/...` for OTC and Huawei Cloud services, signed with AK/SK
 * (SDK-HMAC-SHA256) or sent with an IAM token. Every request is retried on its own (throttling, 5xx,
 * network, truncated bodies); a token the gateway refuses (401, APIG.0307) is replaced once per request.
 */
export class GatewayClient {
  readonly #ctx: ProviderContext;
  readonly #opts: GatewayClientOptions;

  constructor(ctx: ProviderContext, opts: GatewayClientOptions) {
    this.#ctx = ctx;
    this.#opts = { ...opts, endpoint: opts.endpoint.replace(/\/+$/, '') };
  }

  /** The URL of a project resource with its query, as sent. */
  url(resource: string, query: QueryPairs): string {
    const qs = queryString(query);
    return `${this.#opts.endpoint}/v3/${rfc3986(this.#opts.projectId)}/${resource}${qs ? `?${qs}` : ''}`;
  }

  /**
   * One GET with retries, validated by `parse` inside each attempt. A body that stays unreadable for
   * the whole retry budget is then permanent for this poll, so outer layers do not multiply retries.
   */
  async get<T>(resource: string, query: QueryPairs, what: string, parse: (json: unknown) => ParseResult<T>): Promise<T> {
    const url = this.url(resource, query);
    const state = { reauthenticated: false };
    return withPageRetry(this.#ctx, () => this.#attempt(url, query, what, parse, state));
  }

  async #attempt<T>(
    url: string,
    query: QueryPairs,
    what: string,
    parse: (json: unknown) => ParseResult<T>,
    state: { reauthenticated: boolean },
  ): Promise<T> {
    const { label } = this.#opts;
    let sent = await this.#send(url, query);
    if (sent.token !== undefined && !state.reauthenticated && tokenRefused(sent.res) && this.#opts.auth.type === 'password') {
      // Tokens are revoked early when the user or its credentials change: one fresh login per request.
      state.reauthenticated = true;
      this.#opts.tokens.invalidate(this.#opts.auth.login, sent.token);
      this.#ctx.log.debug({ status: sent.res.status }, `${label}: token refused, authenticating again`);
      sent = await this.#send(url, query);
    }
    const { res } = sent;
    const secrets = this.#secrets(sent.token);
    if (res.status < 200 || res.status > 299) throw gatewayResponseError(label, res, secrets);
    const parsed = parse(parseJsonBody(res, url));
    if (!parsed.ok) {
      // A gateway may answer 200 with an error body; treat it as the error it describes.
      const error = gatewayErrorBody(res.text);
      if (error) throw gatewayError(label, res.status, error, secrets, { requestId: res.headers.get('x-request-id') ?? undefined });
      throw new ProviderError('invalid-response', `${label}: ${what} from ${safeHost(url)} is not a valid response: ${parsed.problem}`, {
        permanent: true,
        httpStatus: res.status,
      });
    }
    this.#ctx.keepBody?.(res.text);
    return parsed.value;
  }

  /** Sends with fresh credentials: a new X-Sdk-Date signature per attempt, or the current token. */
  async #send(url: string, query: QueryPairs): Promise<{ res: HttpResponse; token: string | undefined }> {
    const { auth, label } = this.#opts;
    const headers: Record<string, string> = { accept: 'application/json' };
    let token: string | undefined;
    if (auth.type === 'aksk') {
      const u = new URL(url);
      Object.assign(
        headers,
        signRequest({
          request: { method: 'GET', path: u.pathname, query },
          host: u.host,
          accessKey: auth.accessKey,
          secretKey: auth.secretKey,
          now: this.#ctx.clock(),
        }),
      );
    } else {
      token = await this.#opts.tokens.token(this.#ctx, auth.login, label);
      headers['X-Auth-Token'] = token;
    }
    return { res: await send(this.#ctx, { method: 'GET', url, headers }), token };
  }

  #secrets(token: string | undefined): string[] {
    const { auth } = this.#opts;
    return auth.type === 'aksk' ? [auth.secretKey] : [auth.login.password, ...(token ? [token] : [])];
  }
}

/** 401 of any kind, or APIG.0307 ("the token must be updated") whatever its status. */
function tokenRefused(res: HttpResponse): boolean {
  return res.status === 401 || gatewayErrorBody(res.text)?.code === 'APIG.0307';
}

/**
 * A client for one account and service, with secrets resolved now. The account's `endpoint` (or the
 * service default for its region) and `iamEndpoint` (or the cloud's default) are used.
 */
export function gatewayClientFor(
  account: GatewayAccount,
  accountName: string,
  ctx: ProviderContext,
  service: { readonly label: string; readonly defaultEndpoint: (region: string) => string },
  tokens: IamTokenCache,
): GatewayClient {
  const where = `accounts.${accountName}.auth`;
  const auth: GatewayAuth =
    account.auth.type === 'aksk'
      ? {
          type: 'aksk',
          accessKey: ctx.secret(account.auth.accessKey, `${where}.accessKey`),
          secretKey: ctx.secret(account.auth.secretKey, `${where}.secretKey`),
        }
      : {
          type: 'password',
          login: {
            iamEndpoint: account.iamEndpoint ?? DEFAULT_IAM_ENDPOINT[account.cloud](account.region),
            domain: account.auth.domain,
            user: account.auth.user,
            password: ctx.secret(account.auth.password, `${where}.password`),
            projectId: account.projectId,
          },
        };
  return new GatewayClient(ctx, {
    endpoint: account.endpoint ?? service.defaultEndpoint(account.region),
    projectId: account.projectId,
    auth,
    tokens,
    label: service.label,
  });
}

/**
 * A target may name a region only if it is the account's: project ids are per region, so a target
 * elsewhere needs an account (project) of its own. Permanent: retrying cannot fix the config.
 */
export function checkTargetRegion(account: GatewayAccount, accountName: string, region: string | undefined, label: string): void {
  if (region !== undefined && region !== account.region) {
    throw new ProviderError(
      'client',
      `${label}: target region ${region} differs from account ${accountName}'s region ${account.region}; ` +
        `project ids are per region, so configure an account for ${region}`,
      {
        permanent: true,
      },
    );
  }
}
