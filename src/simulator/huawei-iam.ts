import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { jsonResponse, type ProviderFault, type SimApi, type SimRequest, type SimResponse } from './api.js';
import type { Fleet, SimAccount } from './fleet.js';
import { apigError, gatewayAccounts, newRequestId } from './huawei-common.js';

/** IAM's token lifetime. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 3_600_000;

/** One token the simulated IAM issued: whose it is, for which project, until when. */
export interface SimToken {
  readonly accessKeyId: string;
  readonly projectId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Tokens issued by the simulated IAM and accepted by the simulated gateway; tests revoke them at will. */
export class SimTokenStore {
  readonly #tokens = new Map<string, SimToken>();

  /** A new random token for the account, valid for `ttlMs` from `now`. Expired tokens are dropped here. */
  issue(account: SimAccount, projectId: string, now: number, ttlMs: number): { token: string; record: SimToken } {
    for (const [token, record] of this.#tokens) if (record.expiresAt <= now) this.#tokens.delete(token);
    // Real tokens are long PKI blobs starting with MII; the shape matters less than being unguessable.
    const token = `MIIsim${randomBytes(48).toString('base64url')}`;
    const record: SimToken = { accessKeyId: account.accessKeyId, projectId, issuedAt: now, expiresAt: now + ttlMs };
    this.#tokens.set(token, record);
    return { token, record };
  }

  /** The record of an issued token, expired or not; undefined for a token never issued or revoked. */
  lookup(token: string): SimToken | undefined {
    return this.#tokens.get(token);
  }

  /** Revokes every token (as IAM does when a user's credentials change); returns how many there were. */
  revokeAll(): number {
    const count = this.#tokens.size;
    this.#tokens.clear();
    return count;
  }

  /** Tokens currently held (expired ones included until the next issue). */
  get size(): number {
    return this.#tokens.size;
  }
}

const tokenRequest = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()),
      password: z.object({
        user: z.object({ name: z.string().min(1), password: z.string(), domain: z.object({ name: z.string().min(1) }) }),
      }),
    }),
    scope: z.object({ project: z.union([z.object({ id: z.string().min(1) }), z.object({ name: z.string().min(1) })]) }),
  }),
});

/**
 * IAM `POST /v3/auth/tokens` with a password identity, for OTC and Huawei Cloud accounts that have a
 * `password` login: checks domain, user and password, and that the project scope is the account's
 * (by id, or by name where the name is a region of one of its instances, as project names are).
 * Answers 201 with the token in `X-Subject-Token`; a wrong login is IAM's 401.
 */
export function huaweiIamApi(fleet: Fleet, tokens: SimTokenStore, opts: { readonly tokenTtlMs?: number } = {}): SimApi {
  const ttlMs = opts.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
  return {
    name: 'huaweicloud/iam',
    matches: (req) => req.method === 'POST' && req.path.replace(/\/+$/, '') === '/v3/auth/tokens',
    instanceOf: () => undefined,
    handle(req, env) {
      const requestId = newRequestId();
      let json: unknown;
      try {
        json = JSON.parse(req.body);
      } catch {
        return iamError(400, 'Bad Request', 'The request body is not valid JSON.', requestId);
      }
      const parsed = tokenRequest.safeParse(json);
      if (!parsed.success || !parsed.data.auth.identity.methods.includes('password')) {
        return iamError(400, 'Bad Request', 'The simulator issues tokens for password identities scoped to a project only.', requestId);
      }
      const { identity, scope } = parsed.data.auth;
      const { user } = identity.password;
      const account = gatewayAccounts(fleet).find((a) => a.password?.domain === user.domain.name && a.password.user === user.name);
      if (!account || account.password?.password !== user.password)
        return iamError(401, 'Unauthorized', 'The username or password is wrong.', requestId);
      const project = scope.project;
      const inScope =
        'id' in project
          ? project.id === account.projectId
          : fleet.instances().some((i) => i.cloud === account.cloud && i.regionId === project.name);
      if (!inScope || account.projectId === undefined)
        return iamError(401, 'Unauthorized', 'The request you have made requires authentication.', requestId);
      const now = env.clock();
      const { token, record } = tokens.issue(account, account.projectId, now, ttlMs);
      const body = {
        token: {
          methods: ['password'],
          expires_at: iamTime(record.expiresAt),
          issued_at: iamTime(now),
          user: {
            name: user.name,
            id: `user-${account.accessKeyId}`,
            domain: { name: user.domain.name, id: `domain-${account.accessKeyId}` },
          },
          project: { id: account.projectId, name: 'id' in project ? account.projectId : project.name, domain: { name: user.domain.name } },
          catalog: [],
          roles: [{ name: 'readonly', id: '0' }],
        },
      };
      return jsonResponse(201, body, { 'x-subject-token': token, 'x-request-id': requestId });
    },
    faultResponse(fault: ProviderFault, _req: SimRequest): SimResponse {
      const requestId = newRequestId();
      return fault === 'throttle'
        ? apigError(
            429,
            'APIG.0308',
            'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute',
            requestId,
          )
        : iamError(503, 'Service Unavailable', 'The service is temporarily unavailable.', requestId);
    },
  };
}

/** IAM's error body `{"error":{"code","message","title"}}`. */
function iamError(status: number, title: string, message: string, requestId: string): SimResponse {
  return jsonResponse(status, { error: { code: status, message, title } }, { 'x-request-id': requestId });
}

/** `2026-03-02T06:00:00.000000Z`: IAM writes microseconds. */
function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
