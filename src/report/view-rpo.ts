import type { AchievedRpo, RpoEntry } from './types-rpo.js';
import { dur } from './view.js';

/** `objective 24h: not met`, `objective 24h: met`, or `no objective (recent-success disabled)`. */
export function objectiveText(r: Pick<AchievedRpo, 'objectiveMs' | 'met'>): string {
  if (r.objectiveMs === null) return 'no objective (recent-success disabled)';
  return `objective ${dur(r.objectiveMs)}: ${r.met === null ? 'n/a' : r.met ? 'met' : 'not met'}`;
}

/** `met`, `not met`, or `no objective`: a table cell. */
export const metCell = (r: Pick<RpoEntry, 'objectiveMs' | 'met'>): string =>
  r.objectiveMs === null ? 'no objective' : r.met === null ? 'n/a' : r.met ? 'met' : 'not met';

/**
 * A target's achieved RPO in a line: `longest gap 3d, 95th percentile 3d, 21h open at the period end;
 * objective 24h: not met`; what is unknown is said so, never 0.
 */
export function rpoText(r: AchievedRpo): string {
  if (r.longestMs === null || r.p95Ms === null || r.openMs === null) return `no completed backup on record; ${objectiveText(r)}`;
  return (
    `longest gap ${dur(r.longestMs)}, 95th percentile ${dur(r.p95Ms)}, ${dur(r.openMs)} open at the period end; ` + `${objectiveText(r)}`
  );
}
