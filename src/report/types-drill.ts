import type { DrillResult } from '../domain/drill.js';

/**
 * A target's newest restore drill that took place before the period end (however long before, and
 * also when recorded after it), against the restore-time objective: `restore-drill.maxDuration` as
 * the target's rules resolve today. Added within version 2.
 */
export interface DrillSummary {
  readonly at: string;
  readonly result: DrillResult;
  /** How long the restore took; null when not recorded. */
  readonly durationMs: number | null;
  /** The target's resolved `restore-drill.maxDuration`; null when restore-drill is off or sets none. */
  readonly maxDurationMs: number | null;
  /**
   * Whether the drill met the objective: it succeeded within `maxDurationMs`. False for a failed drill;
   * null when there is no objective, or a successful drill has no duration on record.
   */
  readonly met: boolean | null;
}
