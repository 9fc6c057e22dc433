import { recentSuccess } from '../../rules/recent-success.js';
import type { ResolvedRule } from '../config/rule-settings.js';
import { compareText } from '../core/text.js';
import type { EndedBackup } from '../db/report-reads.js';
import type { Period } from './period.js';
import type { TargetReport } from './types.js';
import type { AchievedRpo, RpoEntry } from './types-rpo.js';

/** How many targets the fleet's worst achieved RPOs list. */
export const WORST_RPO = 10;

/** A target's recovery point objective: its resolved `recent-success.maxAge`, or null when that rule is disabled. */
export function objectiveOf(rules: readonly ResolvedRule[]): number | null {
  const r = rules.find((x) => x.rule.id === recentSuccess.id);
  if (!r?.enabled) return null;
  const params = r.params as { maxAge?: unknown };
  return typeof params.maxAge === 'number' ? params.maxAge : null;
}

/** The `q` quantile of sorted values by nearest rank (`q` = 0.95: the value 95% of them do not exceed). */
function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? null;
}

/**
 * The achieved RPO of a target over `period`: the gaps between consecutive completed backups (from
 * `lastBefore`, the last one before the period, when on record) and the gap open at the period end.
 * `backups` are those that ended in the period, oldest first.
 */
export function achievedRpo(
  period: Period,
  backups: readonly EndedBackup[],
  lastBefore: number | null,
  objectiveMs: number | null,
): AchievedRpo {
  const gaps: number[] = [];
  let count = 0;
  let prev = lastBefore;
  for (const b of backups) {
    if (b.outcome !== 'completed') continue;
    count++;
    if (prev !== null) gaps.push(b.endedAt - prev);
    prev = b.endedAt;
  }
  const openMs = prev === null ? null : period.end - prev;
  if (openMs !== null) gaps.push(openMs);
  gaps.sort((a, b) => a - b);
  const longestMs = gaps.length === 0 ? null : (gaps[gaps.length - 1] ?? null);
  return {
    longestMs,
    p95Ms: nearestRank(gaps, 0.95),
    openMs,
    objectiveMs,
    met: longestMs === null || objectiveMs === null ? null : longestMs <= objectiveMs,
    backups: count,
  };
}

/** The longest gap as a multiple of the objective; -1 without an objective, so those come after. */
const ratio = (r: RpoEntry): number => (r.objectiveMs === null || r.objectiveMs <= 0 ? -1 : r.longestMs / r.objectiveMs);

/** The fleet's worst achieved RPOs: see `FleetSummary.worstRpo`. */
export function worstRpo(targets: readonly TargetReport[]): RpoEntry[] {
  const known: RpoEntry[] = [];
  for (const t of targets) {
    const { longestMs, p95Ms, openMs, objectiveMs, met } = t.rpo;
    if (longestMs === null || p95Ms === null || openMs === null) continue;
    known.push({ target: t.id, longestMs, p95Ms, openMs, objectiveMs, met });
  }
  return known.sort((a, b) => ratio(b) - ratio(a) || b.longestMs - a.longestMs || compareText(a.target, b.target)).slice(0, WORST_RPO);
}
