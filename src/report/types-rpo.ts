/**
 * A target's achieved recovery point over the period: how far apart its completed backups were (by
 * end time), against the objective its config sets. Added within version 2.
 *
 * The gaps measured: from the last completed backup before the period to the first one in it, between
 * consecutive ones in the period, and the gap still open at the period end (from the last completed
 * backup to the period end); each counts in full, also where it began before the period. Time before
 * the first completed backup on record is no gap (nothing says the database existed then; `longestGap`
 * counts it from the period start). Backups of every kind count, also when recent-success lists `kinds`.
 */
export interface AchievedRpo {
  /** The longest gap; null when no completed backup is on record by the period end. */
  readonly longestMs: number | null;
  /** The 95th percentile of the gaps (nearest rank: with fewer than 20 gaps, the longest); null as `longestMs`. */
  readonly p95Ms: number | null;
  /** The gap open at the period end, from the last completed backup to the period end; null as `longestMs`. */
  readonly openMs: number | null;
  /** The target's resolved `recent-success.maxAge`; null when recent-success is disabled for it. */
  readonly objectiveMs: number | null;
  /** `longestMs <= objectiveMs`; null when either is null. */
  readonly met: boolean | null;
  /** Completed backups that ended in the period. */
  readonly backups: number;
}

/** One of the fleet's worst achieved recovery points: a target's `rpo` whose figures are known. */
export interface RpoEntry {
  readonly target: string;
  readonly longestMs: number;
  readonly p95Ms: number;
  readonly openMs: number;
  readonly objectiveMs: number | null;
  readonly met: boolean | null;
}
