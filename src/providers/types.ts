import type { BackupKind, BackupStatus } from '../../rules/types.js';
import type { Clock } from '../clock.js';
import type { AccountConfig, Cloud } from '../config/schema.js';
import type { SecretRef } from '../config/secret.js';
import type { Logger } from '../log.js';
import type { HttpTransport } from './transport.js';

export type BackupTrigger = 'automated' | 'manual' | 'unknown';

/** One backup in the provider-independent shape every rule reads (DESIGN.md "Normalized backup record"). */
export interface NormalizedBackup {
  /** Provider's id, unique per target, as a string even where the provider uses numbers. */
  readonly backupId: string;
  readonly name: string | null;
  readonly kind: BackupKind;
  readonly trigger: BackupTrigger;
  /** Never `completed` unless the provider's word means completed; anything unrecognised is `unknown`. */
  readonly status: BackupStatus;
  /** The provider's own status word, verbatim. */
  readonly rawStatus: string;
  /** UTC epoch ms, or null when absent or unparseable (the raw text stays in `raw`). */
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** Bytes, converted from the provider's unit; null when absent or unparseable. */
  readonly sizeBytes: number | null;
  /** The provider's item as received, minus secrets such as signed download URLs. */
  readonly raw: Readonly<Record<string, unknown>>;
  /**
   * Fields of this item that could not be understood (`BackupEndTime: "2019-13-45" is not a time`,
   * `State: unknown word "Paused"`). The item is still stored, with those fields null/unknown; the poll
   * run counts such items so nothing is dropped silently.
   */
  readonly problems?: readonly string[];
}

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
