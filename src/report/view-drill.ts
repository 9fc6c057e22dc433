import type { ComplianceReport } from './types.js';
import type { DrillSummary } from './types-drill.js';
import { dur, local } from './view.js';

/** `ok on 2026-11-17 10:00, took 42m; objective 4h: met`: a target's last restore drill in a line. */
export function drillText(report: Pick<ComplianceReport, 'timezone'>, d: DrillSummary): string {
  const took = d.durationMs === null ? 'duration not recorded' : `took ${dur(d.durationMs)}`;
  const objective =
    d.maxDurationMs === null
      ? 'no restore-time objective'
      : `objective ${dur(d.maxDurationMs)}: ${d.met === null ? 'n/a' : d.met ? 'met' : 'not met'}`;
  return `${d.result} on ${local(report, d.at)}, ${took}; ${objective}`;
}
