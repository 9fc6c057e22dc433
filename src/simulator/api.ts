import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../core/clock.js';
import type { Fleet } from './fleet.js';

/** A request as every simulated API sees it: the body is read and form parameters are decoded. */
export interface SimRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /**
   * Query parameters, then `application/x-www-form-urlencoded` body parameters on top: RPC APIs
   * (Alibaba, UCloud) treat both the same way.
   */
  readonly params: Readonly<Record<string, string>>;
}

/** What a handler answers; the server adds content-length. */
export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a handler may read: the fleet and the simulator's notion of "now" (for timestamp checks). */
export interface SimEnv {
  readonly fleet: Fleet;
  readonly clock: Clock;
}

/** Faults whose response is the provider's own error shape. */
export type ProviderFault = 'throttle' | 'server-error';

/**
 * One simulated provider API (one file each). The server offers a request to each API in turn;
 * the first whose `matches` is true answers it.
 */
export interface SimApi {
  /** Counter key and fault scope, `<cloud>/<service>` like the adapters: `aliyun/rds`. */
  readonly name: string;
  matches(req: SimRequest): boolean;
  /** The instance a request is about, so a fault can target one instance; undefined when none. */
  instanceOf(req: SimRequest): string | undefined;
  /**
   * The access key (UCloud PublicKey, Huawei AK, or the owner of an IAM token) a request claims to
   * come from, before it is verified, for per-account rate limits; undefined when it names none.
   * A forged request spends its claimed account's quota, as at a real gateway that throttles first.
   */
  accountOf?(req: SimRequest): string | undefined;
  handle(req: SimRequest, env: SimEnv): SimResponse;
  /** The provider's own answer when it throttles or fails (status, body, headers as the real API). */
  faultResponse(fault: ProviderFault, req: SimRequest): SimResponse;
}

/** A JSON response with the content type real APIs send. */
export function jsonResponse(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json;charset=utf-8', ...headers }, body: JSON.stringify(body) };
}
