import type { CoverageRow } from '../discovery/coverage-rows.js';
import type { Severity } from '../domain/finding.js';
import type { ControlsReport } from './types-controls.js';
import type { DrillSummary } from './types-drill.js';
import type { ReportExceptions } from './types-exceptions.js';
import type { FleetSummary } from './types-fleet.js';
import type { AchievedRpo } from './types-rpo.js';

/**
 * The compliance report, JSON shape version 2: what `report --format json` prints and every other
 * format renders. Scripts check `version` first; fields are only ever added within a version.
 *
 * Version 2 changed what `compliance` means, which version 1 could not: it is now the share of the
 * *judged* time that was compliant (`compliantMs / (compliantMs + alarmMs)`), and `null` when nothing
 * was judged, where version 1 divided by the whole period and so showed time the auditor never saw as
 * non-compliant. How much of the period was judged at all is `evidenceCoverage` beside it.
 *
 * Conventions: instants are ISO-8601 UTC strings (`2026-11-16T00:00:00Z`); durations are integer
 * milliseconds (`…Ms`); shares are fractions in [0, 1] rounded to 6 decimals (`0.857143` = 85.7143%);
 * a change is a difference of shares (`-0.05` = 5 percentage points worse). `null` means "not known"
 * (for example nothing judged, or no data at all in the previous period), never zero. Target ids, accounts and labels
 * come from the config verbatim; `reason` texts come from rules and may quote provider text (treat as
 * untrusted, cut to 2000 characters).
 */
export interface ComplianceReport {
  readonly version: 2;
  /** When the report was computed. */
  readonly generatedAt: string;
  /**
   * The evidence chain's head when the report was computed (absent while the chain has no link yet).
   * A copy of the report kept outside the host anchors the stored evidence: `backup-auditor evidence
   * verify --head <head>` fails if the chain no longer holds it. Added within version 2.
   */
  readonly evidence?: ReportEvidence;
  /** The config's IANA timezone: days and weeks are counted in it. */
  readonly timezone: string;
  readonly period: ReportPeriod;
  /** The period compared against: the previous ISO week, or the range of equal length before. */
  readonly previousPeriod: ReportPeriod;
  readonly fleet: FleetSummary;
  /** Every configured target, worst first (lowest compliance, then most alarms, then id). */
  readonly targets: readonly TargetReport[];
  /** Silences in force during the period, coverage exclusions and disabled rules (types-exceptions.ts). */
  readonly exceptions: ReportExceptions;
  /**
   * Present when an account has `discover:`: per account and service, instances discovered / targeted /
   * excluded / uncovered at the period end (as `coverage --json` prints them). Added within version 1.
   */
  readonly coverage?: readonly CoverageRow[];
  /**
   * Present when the config has `frameworks:`: each framework's controls judged over the period
   * (types-controls.ts). Added within version 2.
   */
  readonly controls?: ControlsReport;
}

/** The evidence chain's last link (src/db/evidence.ts). */
export interface ReportEvidence {
  /** Its hash: 64 hex digits. */
  readonly head: string;
  /** Its place in the chain, 1 for the genesis. */
  readonly seq: number;
}

/** A period `[start, end)`. */
export interface ReportPeriod {
  /** `2026-W47` for an ISO week, or the ISO-8601 interval `start/end` for a range. */
  readonly label: string;
  readonly kind: 'week' | 'range';
  readonly start: string;
  /** Exclusive. */
  readonly end: string;
  /** Length in ms: 604800000 for most weeks, one hour more or less for a week with a DST change. */
  readonly lengthMs: number;
}

/**
 * Where the period's time went for one target; `compliantMs + alarmMs + unknownMs = period.lengthMs`.
 * The judged time is `compliantMs + alarmMs`; `unknownMs` was not judged.
 */
export interface TimeSplit {
  /** Every tracked rule `ok` (rules in `skip`, i.e. disabled, are ignored). */
  readonly compliantMs: number;
  /** At least one rule in `alarm`. */
  readonly alarmMs: number;
  /** No rule in alarm, but at least one in `error` (cannot judge) or without any recorded evaluation. */
  readonly unknownMs: number;
}

/** One configured target over the period. */
export interface TargetReport {
  readonly id: string;
  readonly cloud: string;
  readonly account: string;
  readonly service: string;
  readonly instance: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `compliantMs / (compliantMs + alarmMs)`: compliant share of the judged time; null when nothing was judged. */
  readonly compliance: number | null;
  /** `(compliantMs + alarmMs) / period.lengthMs`: how much of the period has evidence either way. */
  readonly evidenceCoverage: number;
  /**
   * Judged time reconstructed rather than observed: before the auditor first evaluated the target, judged as of past instants
   * from the provider's first listing by the rules needing nothing else; deleted backups are not in it. Null when none was.
   */
  readonly reconstructed: Reconstructed | null;
  readonly time: TimeSplit;
  /** Compliance in the previous period; null when nothing was judged then. */
  readonly previousCompliance: number | null;
  /** `compliance - previousCompliance`; null when previousCompliance is null. */
  readonly complianceChange: number | null;
  /** Local days with at least one completed backup (by end time). */
  readonly daysWithBackup: number;
  /** Local days in the period (7 for a week). */
  readonly days: number;
  /** Backups by end time within the period: completed (including since expired), failed. */
  readonly backups: { readonly completed: number; readonly failed: number };
  /**
   * The longest time without a completed backup, from the last one before the period (or the period
   * start) to the period end; null only when the period is empty.
   */
  readonly longestGap: Gap | null;
  /** The achieved recovery point: gaps between completed backups against the objective (types-rpo.ts). */
  readonly rpo: AchievedRpo;
  /** Findings in alarm at the end of the period. */
  readonly currentAlarms: readonly CurrentAlarm[];
  /** Alarms that ended during the period, with how long each lasted. */
  readonly resolvedAlarms: readonly ResolvedAlarm[];
  /** Alarms that started during the period (some may still be open). */
  readonly openedAlarms: number;
  /**
   * Time of the period before the auditor first evaluated the target (not installed yet, or the target
   * not configured yet): unknown or reconstructed, never blind. Added within version 2.
   */
  readonly unwatchedMs: number;
  /**
   * Time the auditor, once watching the target, could not see it: poll-failing in alarm or in error, or
   * no evaluation recorded (the daemon stopped). Since version 2, time before the first evaluation is
   * `unwatchedMs`, not blind.
   */
  readonly blindMs: number;
  /** One entry per local day of the period. */
  readonly daily: readonly TargetDay[];
  /**
   * The newest restore drill before the period end, against `restore-drill.maxDuration` (types-drill.ts);
   * null when none is on record. Added within version 2.
   */
  readonly drill: DrillSummary | null;
}

/** Reconstructed evidence over the period: judged ms (part of the time split), `ms / period.lengthMs`, when listed. */
export interface Reconstructed {
  readonly ms: number;
  readonly share: number;
  /** When the listing it was reconstructed from was taken (the target's first successful poll). */
  readonly listedAt: string;
}

/** A stretch without a completed backup. */
export interface Gap {
  readonly ms: number;
  /** The end of the completed backup before the gap, or the period start when none is known. */
  readonly from: string;
  /** The end of the next completed backup, or the period end. */
  readonly to: string;
  /** True when `from` is the period start because no completed backup before it is on record. */
  readonly fromPeriodStart: boolean;
}

/** A finding in alarm at the end of the period. */
export interface CurrentAlarm {
  readonly rule: string;
  readonly severity: Severity;
  /** When the alarm started (possibly before the period). */
  readonly since: string;
  /** The rule's reason when the alarm started. */
  readonly reason: string;
}

/** An alarm that ended within the period. */
export interface ResolvedAlarm {
  readonly rule: string;
  readonly severity: Severity;
  readonly openedAt: string;
  readonly closedAt: string;
  /** Time to resolve: `closedAt - openedAt`. */
  readonly durationMs: number;
  /** The state it ended in: `ok` when resolved; `error` or `skip` when it stopped being judged. */
  readonly to: 'ok' | 'error' | 'skip';
}

/** One local day of a target. */
export interface TargetDay {
  /** `2026-10-25`, the local date. */
  readonly date: string;
  readonly start: string;
  readonly end: string;
  /** `completed` when a completed backup ended this day, else `failed` when a failed one did, else `none`. */
  readonly status: 'completed' | 'failed' | 'none';
  readonly completed: number;
  readonly failed: number;
  /** Compliant share of this day's judged time; null when nothing was judged that day. */
  readonly compliance: number | null;
  /** Judged share of the day. */
  readonly evidenceCoverage: number;
  /** Share of the day judged from the provider's first listing (before the auditor first looked). */
  readonly reconstructed: number;
}
