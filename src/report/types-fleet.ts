import type { Severity } from '../domain/finding.js';
import type { RpoEntry } from './types-rpo.js';

// The fleet-wide part of the compliance report (`ComplianceReport.fleet`); conventions as in types.ts.

/** The whole fleet over the period. */
export interface FleetSummary {
  readonly targets: number;
  /** Compliant share of all the targets' judged time; null when nothing was judged. */
  readonly compliance: number | null;
  /** Judged share of all the targets' time in the period. */
  readonly evidenceCoverage: number;
  /** Reconstructed share of all the targets' time in the period (part of `evidenceCoverage`). */
  readonly reconstructedShare: number;
  /** The same over the previous period; null when nothing was judged then. */
  readonly previousCompliance: number | null;
  readonly complianceChange: number | null;
  /** Share of target-time that was unknown (`1 - evidenceCoverage`). */
  readonly unknownShare: number;
  readonly targetsInAlarm: number;
  readonly backups: { readonly completed: number; readonly failed: number };
  /** Up to 10 target ids, worst first, among those not fully compliant. */
  readonly worstOffenders: readonly string[];
  /**
   * Up to 10 targets with a completed backup on record, worst first: by longest gap as a multiple of the
   * objective (targets without one after those with one), then longest gap, then id (types-rpo.ts).
   */
  readonly worstRpo: readonly RpoEntry[];
  /** Per cloud, per account and per label key (`labels.team`), each list worst first. */
  readonly groups: {
    readonly cloud: readonly GroupSummary[];
    readonly account: readonly GroupSummary[];
    readonly labels: Readonly<Record<string, readonly GroupSummary[]>>;
  };
  readonly alarmsOpened: readonly FleetAlarm[];
  readonly alarmsClosed: readonly FleetAlarm[];
  /** Median time to resolve of the alarms closed to `ok` in the period; null when none was. */
  readonly medianTimeToResolveMs: number | null;
  /** Targets with any blind time, longest first. */
  readonly blindTargets: readonly BlindTarget[];
  /** Fleet compliance per local day: the trend chart. */
  readonly daily: readonly FleetDay[];
}

/** The targets sharing one cloud, account or label value. */
export interface GroupSummary {
  /** The cloud, account or label value; null for targets without that label. */
  readonly value: string | null;
  readonly targets: number;
  /** Compliant share of the members' judged time; null when nothing was judged. */
  readonly compliance: number | null;
  readonly evidenceCoverage: number;
  readonly previousCompliance: number | null;
  readonly complianceChange: number | null;
  readonly targetsInAlarm: number;
  readonly backups: { readonly completed: number; readonly failed: number };
}

/** An alarm that opened or closed in the period, fleet-wide. */
export interface FleetAlarm {
  readonly target: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly openedAt: string;
  /** Null while still open at the period end. */
  readonly closedAt: string | null;
  /** Null while still open. */
  readonly durationMs: number | null;
  readonly reason: string;
}

/** A target the auditor could not see for part of the period. */
export interface BlindTarget {
  readonly target: string;
  readonly blindMs: number;
  /** The longest continuous blind stretch within the period. */
  readonly longestMs: number;
  /** Blind at the period end. */
  readonly atEnd: boolean;
}

/** One local day of the fleet. */
export interface FleetDay {
  readonly date: string;
  /** Compliant share of the day's judged target-time; null when nothing was judged that day. */
  readonly compliance: number | null;
  readonly evidenceCoverage: number;
  /** Share of the day's judged target-time reconstructed from providers' listings (0 when none was judged). Added within version 2. */
  readonly reconstructed: number;
  readonly completed: number;
  readonly failed: number;
  /** Targets with at least one completed backup that day. */
  readonly targetsWithBackup: number;
}
