import { createHash } from 'node:crypto';
import { ProviderError } from '../../core/errors.js';
import { parseJsonBody, safeHost, send } from '../http.js';
import type { ProviderContext } from '../types.js';
import { gatewayResponseError } from './errors.js';
import { parseOtcTime } from './normalize.js';
import { iamTokenBody } from './schema.js';

/** What a password login needs; `projectId` scopes the token (the gateway rejects other projects). */
export interface PasswordLogin {
  readonly iamEndpoint: string;
  readonly domain: string;
  readonly user: string;
  readonly password: string;
  readonly projectId: string;
}

/** A token from IAM and the instant it stops working (IAM's `expires_at`). */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: number;
}

interface CachedToken extends IssuedToken {
  /** Reused until here; after that a new one is requested, before the old one can expire mid-listing. */
  readonly reuseUntil: number;
}

/** Refresh this long before `expires_at` (tokens live 24 h). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * IAM tokens per login, fetched once and reused across pages and polls until shortly before they
 * expire. Concurrent requests for the same login share one IAM call. Owned by whoever creates it
 * (an adapter instance, a test), so there is no process-wide state.
 */
export class IamTokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();
  readonly #marginMs: number;
  /** Tokens requested from IAM so far. */
  requested = 0;

  constructor(opts: { refreshMarginMs?: number } = {}) {
    this.#marginMs = opts.refreshMarginMs ?? REFRESH_MARGIN_MS;
  }

  /** A usable token for the login: the cached one, or a new one from IAM (one attempt; the caller retries). */
  async token(ctx: ProviderContext, login: PasswordLogin, label: string): Promise<string> {
    const key = cacheKey(login);
    const cached = this.#tokens.get(key);
    if (cached && ctx.clock() < cached.reuseUntil) return cached.token;
    let pending = this.#pending.get(key);
    if (!pending) {
      this.requested++;
      pending = requestToken(ctx, login, label)
        .then((issued) => {
          const now = ctx.clock();
          // A token that lives less than twice the margin (short-lived test tokens) is reused for half its life.
          const token: CachedToken = { ...issued, reuseUntil: issued.expiresAt - Math.min(this.#marginMs, (issued.expiresAt - now) / 2) };
          this.#tokens.set(key, token);
          return token;
        })
        .finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return (await pending).token;
  }

  /** Forgets `token` after the gateway refused it, unless a newer token has replaced it meanwhile. */
  invalidate(login: PasswordLogin, token: string): void {
    const key = cacheKey(login);
    if (this.#tokens.get(key)?.token === token) this.#tokens.delete(key);
  }
}

/** Endpoint, domain, user and project, plus a hash of the password so a changed password never reuses a token. */
function cacheKey(login: PasswordLogin): string {
  const pw = createHash('sha256').update(login.password).digest('hex').slice(0, 16);
  return JSON.stringify([login.iamEndpoint, login.domain, login.user, login.projectId, pw]);
}

/**
 * `POST {iam}/v3/auth/tokens` with a password identity scoped to the project id. Success is HTTP 201
 * with the token in `X-Subject-Token` and `token.expires_at` in the body. IAM's errors
 * (`{"error":{"code","message","title"}}`) map like the gateway's: 401/403 are permanent auth errors.
 */
export async function requestToken(ctx: ProviderContext, login: PasswordLogin, label: string): Promise<IssuedToken> {
  const url = `${login.iamEndpoint.replace(/\/+$/, '')}/v3/auth/tokens`;
  const body = JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: login.user, password: login.password, domain: { name: login.domain } } },
      },
      scope: { project: { id: login.projectId } },
    },
  });
  const res = await send(ctx, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json;charset=utf8', accept: 'application/json' },
    body,
  });
  const iamLabel = `${label} IAM`;
  if (res.status < 200 || res.status > 299) throw gatewayResponseError(iamLabel, res, [login.password]);
  const token = res.headers.get('x-subject-token');
  if (!token) throw invalidToken(`${safeHost(url)} answered HTTP ${res.status} without an X-Subject-Token header`, res.status, iamLabel);
  const parsed = iamTokenBody.safeParse(parseJsonBody(res, url));
  if (!parsed.success) throw invalidToken(`${safeHost(url)} answered HTTP ${res.status} without token.expires_at`, res.status, iamLabel);
  const expiresAt = parseOtcTime(parsed.data.token.expires_at);
  if (expiresAt === null)
    throw invalidToken(`token.expires_at ${JSON.stringify(parsed.data.token.expires_at.slice(0, 40))} is not a time`, res.status, iamLabel);
  return { token, expiresAt };
}

function invalidToken(detail: string, status: number, label: string): ProviderError {
  return new ProviderError('invalid-response', `${label}: ${detail}`, { permanent: true, httpStatus: status });
}
