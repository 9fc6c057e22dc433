import { restoreDrill } from '../../rules/restore-drill.js';
import type { ResolvedRule } from '../config/rule-settings.js';
import { iso } from '../core/clock.js';
import type { Db } from '../db/client.js';
import { lastDrillBefore } from '../db/drills.js';
import type { DrillSummary } from './types-drill.js';

/** A target's restore-time objective: its resolved `restore-drill.maxDuration`, or null when off or unset. */
function maxDurationOf(rules: readonly ResolvedRule[]): number | null {
  const r = rules.find((x) => x.rule.id === restoreDrill.id);
  if (!r?.enabled) return null;
  const params = r.params as { maxDuration?: unknown };
  return typeof params.maxDuration === 'number' ? params.maxDuration : null;
}

/** The newest drill of a target before `end` against its objective (see DrillSummary); null when none is on record. */
export function drillSummary(db: Db, targetId: string, rules: readonly ResolvedRule[], end: number): DrillSummary | null {
  const d = lastDrillBefore(db, targetId, end);
  if (!d) return null;
  const maxDurationMs = maxDurationOf(rules);
  const met =
    d.result === 'failed'
      ? maxDurationMs === null
        ? null
        : false
      : maxDurationMs === null || d.durationMs === null
        ? null
        : d.durationMs <= maxDurationMs;
  return { at: iso(d.at), result: d.result, durationMs: d.durationMs, maxDurationMs, met };
}
