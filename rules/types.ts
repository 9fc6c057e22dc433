import type { z } from 'zod';
import type { BackupKind, BackupStatus } from '../src/domain/backup.js';
import type { DrillResult } from '../src/domain/drill.js';
import type { FindingState, Severity } from '../src/domain/finding.js';
import type { BackupPolicy, PolicyUnavailable } from '../src/domain/policy.js';

/** One backup as it was known at the evaluation instant (status as of then, not as of today). */
export interface BackupFact {
  readonly backupId: string;
  readonly name: string | null;
  readonly kind: BackupKind;
  readonly status: BackupStatus;
  readonly rawStatus: string;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly sizeBytes: number | null;
  /** When this product first saw the backup (finish of the poll that listed it). */
  readonly firstSeenAt: number;
}

/** One finished poll of the target. */
export interface PollFact {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly ok: boolean;
  /** Error class such as `auth`, `throttled`, `not-found`; null when ok. */
  readonly errorKind: string | null;
  /** The provider's own error code and request id of a failed poll, when it gave them. */
  readonly errorCode?: string | null;
  readonly requestId?: string | null;
  readonly errorMessage: string | null;
  /** A failure that waiting will not fix (bad credentials, unknown instance, rejected request, bad config). */
  readonly permanent?: boolean;
}

/** One restore drill as recorded: someone restored a backup of the target and said how it went. */
export interface DrillFact {
  readonly id: string;
  readonly result: DrillResult;
  /** When the drill took place. */
  readonly at: number;
  readonly durationMs: number | null;
  readonly backupId: string | null;
  readonly note: string | null;
  /** When it was recorded: a drill is known from then on. */
  readonly recordedAt: number;
}

/** What was stored about one target, restricted to what was known at `now`. */
export interface TargetHistory {
  /**
   * Backups first seen at or before `now`, with their status as of `now`: at least those the enabled
   * rules' `historyNeeds` ask for (live evaluation loads no more), possibly all of them.
   */
  readonly backups: readonly BackupFact[];
  /** Polls finished at or before `now`, newest first. */
  readonly polls: readonly PollFact[];
  /** The provider's backup policy for the instance; loaded only when an enabled rule asks (`historyNeeds().policy`). */
  readonly policy?: PolicyEvidence;
  /** What discovery says about the target's instance; loaded only when an enabled rule asks (`historyNeeds().coverage`). */
  readonly coverage?: CoverageFact;
  /**
   * Restore drills that took place and were recorded at or before `now`, newest first (by `at`): at least
   * the newest one and the newest successful one. Loaded only when an enabled rule asks (`historyNeeds().drills`).
   */
  readonly drills?: readonly DrillFact[];
}

/** What discovery says about one target id (a configured target, or an uncovered instance's would-be id). */
export type CoverageFact =
  | { readonly kind: 'targeted'; readonly lastDiscoveryAt: number }
  | {
      readonly kind: 'uncovered';
      readonly account: string;
      readonly service: string;
      readonly instance: string;
      readonly name: string | null;
      readonly firstSeenAt: number;
    }
  | { readonly kind: 'missing'; readonly lastDiscoveryAt: number; readonly goneAt: number | null }
  | { readonly kind: 'resolved'; readonly why: string }
  | { readonly kind: 'not-discovered' };

/** What discovery knows about the backup policy of a target's instance at `now`. */
export type PolicyEvidence =
  /** The target's account has no `discover:` option: nothing reads its policies. */
  | { readonly kind: 'not-discovering' }
  /** Discovering, but no policy was read at or before `now` (first discovery pending, or the instance is not listed). */
  | { readonly kind: 'not-read' }
  | { readonly kind: 'read'; readonly readAt: number; readonly policy: BackupPolicy | PolicyUnavailable };

export interface RuleTarget {
  readonly id: string;
  readonly service: string;
  readonly instance: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface RuleContext<P> {
  readonly target: RuleTarget;
  readonly history: TargetHistory;
  /** The evaluation instant, epoch ms. Rules never read the wall clock. */
  readonly now: number;
  readonly params: P;
}

export interface RuleResult {
  /** `skip`: the rule does not apply to this target (for example its provider exposes no policy); shown, never sent. */
  readonly state: FindingState;
  /** A sentence a person can act on, with instants in ISO-8601 UTC. */
  readonly reason: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A compliance rule. Contract: `evaluate` is pure and total: it reads only its context, never the
 * clock, the database or the network, and never throws for any stored history (a throw is recorded
 * as state `error`). It returns `error` when it cannot judge (for example nothing was ever polled),
 * never `ok` by default. `params` is a strict zod object whose every field has a default, so `{}`
 * parses to the rule's defaults.
 */
export interface Rule<P = unknown> {
  readonly id: string;
  /** One line for `rules` listings. */
  readonly description: string;
  readonly params: z.ZodType<P, Record<string, unknown>>;
  readonly defaultSeverity: Severity;
  /** When true the engine answers `error` for a target with no successful poll yet, without calling evaluate. */
  readonly needsSuccessfulPoll: boolean;
  /**
   * The rule judges the backup listing alone (no polls, policy or coverage), so it can also judge the
   * time before the auditor first looked, as of past instants over the provider's first listing: the
   * report's reconstructed evidence.
   */
  readonly judgesListingAlone?: boolean;
  /**
   * `discovery`: the rule judges what discovery read, so it applies only to targets whose account has
   * a `discover:` option; for the others the engine records no finding at all (nothing to configure).
   * `auditor`: the rule judges the auditor itself (its own evidence), never a configured target.
   */
  readonly requires?: 'discovery' | 'auditor';
  /**
   * False for a rule that judges nothing until configured: it is disabled for every target unless a
   * `rules:` default, a matching profile or the target itself sets it (`true` or parameters), and
   * `false` in a later layer disables it again. Omitted = enabled by default.
   */
  readonly enabledByDefault?: boolean;
  /**
   * How much backup history `evaluate` reads, so live evaluation loads only that through indexed
   * queries. The engine always provides: every backup that ended within the largest `lookbackMs` of the
   * enabled rules (or has no end, or is running), and per kind the newest `recentCompleted` completed
   * backups (with and without a known size) and the oldest completed one. Omitted = none of the optional part.
   */
  historyNeeds?(params: P): HistoryNeeds;
  evaluate(ctx: RuleContext<P>): RuleResult;
}

export interface HistoryNeeds {
  readonly lookbackMs?: number;
  readonly recentCompleted?: number;
  /** The instance's backup policy as discovery read it (`TargetHistory.policy`). */
  readonly policy?: boolean;
  /** Whether discovery lists the target's instance (`TargetHistory.coverage`). */
  readonly coverage?: boolean;
  /** The target's restore drills (`TargetHistory.drills`). */
  readonly drills?: boolean;
}

/** Keeps the params type of a rule definition while letting the registry hold rules of mixed params. */
export function defineRule<P>(rule: Rule<P>): Rule<unknown> {
  return rule as Rule<unknown>;
}

export const ok = (reason: string, details?: Record<string, unknown>): RuleResult => ({ state: 'ok', reason, ...(details && { details }) });
export const alarm = (reason: string, details?: Record<string, unknown>): RuleResult => ({
  state: 'alarm',
  reason,
  ...(details && { details }),
});
export const cannotJudge = (reason: string): RuleResult => ({ state: 'error', reason });
export const notApplicable = (reason: string): RuleResult => ({ state: 'skip', reason });
