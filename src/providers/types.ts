import type { AccountConfig, Cloud } from '../config/schema.js';
import type { SecretRef } from '../config/secret.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { NormalizedBackup } from '../domain/backup.js';
import type { HttpTransport } from './transport.js';

/** One page of a listing: the normalized items and the total the provider reported, if any. */
export interface BackupPage {
  readonly items: readonly NormalizedBackup[];
  readonly total?: number;
}

/** The part of a configured target an adapter needs. */
export interface PollTarget {
  readonly id: string;
  readonly service: string;
  readonly instance: string;
  readonly region?: string | undefined;
  readonly zone?: string | undefined;
}

/** Everything an adapter may touch, passed in so tests swap any of it. */
export interface ProviderContext {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  /** Carries every provider request; without it, `fetch` does. */
  readonly http?: HttpTransport | undefined;
  /** Resolves a secret reference at the moment of use; `where` names the config field for errors. */
  secret(ref: SecretRef, where: string): string;
  readonly log: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1): nonces and retry jitter. */
  readonly random: () => number;
  /** Per-request timeout in ms. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Waits for the account's rate limit before each request (shared by every worker in scale-out). */
  readonly throttle?: () => Promise<void>;
  /**
   * Receives the body of each listing response that validated, in the order received: what a poll
   * keeps of the provider's answers. Called with bodies only: never a header, URL or request.
   */
  readonly keepBody?: ((body: string) => void) | undefined;
}

/**
 * Lists the backups of one target, page by page. Implementations must:
 * - sign every request as the provider requires, and never put a secret in an error, a log line or `raw`;
 * - validate every response page with zod, throwing ProviderError kind `invalid-response` (permanent
 *   for this poll) rather than yielding a half-understood page;
 * - stop at the reported total or at an empty/short page, and throw `invalid-response` if the
 *   listing cannot be completed consistently (so the poll is recorded as failed, not half-written);
 * - map the provider's errors to ProviderError: throttling and 5xx transient (retried by `withRetry`),
 *   auth errors and unknown instances permanent (`not-found` for the latter).
 */
export interface BackupSource<A extends AccountConfig = AccountConfig> {
  /** `<cloud>/<service>`, e.g. `aliyun/rds`. */
  readonly id: string;
  readonly cloud: Cloud;
  readonly service: string;
  list(account: A, accountName: string, target: PollTarget, ctx: ProviderContext): AsyncIterable<BackupPage>;
}
