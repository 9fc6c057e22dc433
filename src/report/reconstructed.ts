import type { Db } from '../db/client.js';
import { firstObserved, reconstructedChanges } from '../db/reconstruction.js';
import type { Change, RuleTimeline } from './timeline.js';

/** The stretch of a target's time judged from the provider's first listing rather than observed. */
export interface Reconstruction {
  /** The first reconstructed instant (the listing's oldest backup). */
  readonly start: number;
  /** Where observed evidence begins (the first evaluation), or the listing's instant if none followed. */
  readonly until: number;
  /** When the listing was taken. */
  readonly listedAt: number;
}

/**
 * The target's rule timelines with its reconstructed evidence in front: what the rules that judge a
 * listing alone said of the time before the auditor first evaluated the target, the other rules
 * `skip` then (they need polls the auditor never made), and nothing after `until` but what was
 * observed. Observed evidence always wins: reconstructed changes stop where the first observed one is.
 */
export function withReconstruction(
  db: Db,
  targetId: string,
  timelines: readonly RuleTimeline[],
): { timelines: RuleTimeline[]; reconstruction: Reconstruction | null } {
  const observed = firstObserved(db, targetId);
  const found = reconstructedChanges(db, targetId, observed ?? Number.POSITIVE_INFINITY);
  if (!found) return { timelines: [...timelines], reconstruction: null };
  const until = observed ?? found.listedAt;
  let start = Number.POSITIVE_INFINITY;
  for (const list of found.byRule.values()) start = Math.min(start, list[0]?.at ?? start);
  const merged = timelines.map((t): RuleTimeline => {
    const past: Change[] = found.byRule.get(t.ruleId) ?? [{ at: start, state: 'skip', reason: '' }];
    const next = t.changes.find((c) => c.at >= until);
    const end: Change[] = next && next.at === until ? [] : [{ at: until, state: 'none', reason: '' }];
    return { ruleId: t.ruleId, changes: [...past, ...end, ...t.changes.filter((c) => c.at >= until)] };
  });
  return { timelines: merged, reconstruction: { start, until, listedAt: found.listedAt } };
}
