import { MAX_REASON } from '../notify/render.js';
import { plainData, truncate } from '../text.js';
import type { ComplianceReport } from './types.js';

// Characters that JSON allows raw but that can restyle or reorder a terminal or an editor showing the
// file: C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates.
const INVISIBLE = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The report as it leaves the process as data (this file, a webhook body): control characters and
 * bidi overrides removed from every string (src/text.ts); otherwise identifiers and labels from the
 * config exactly, so scripts can join on them; reasons, which may quote a provider, cut to 2000 characters.
 */
export function reportData(report: ComplianceReport): ComplianceReport {
  const cut = (reason: string): string => truncate(reason, MAX_REASON);
  return plainData({
    ...report,
    fleet: {
      ...report.fleet,
      alarmsOpened: report.fleet.alarmsOpened.map((a) => ({ ...a, reason: cut(a.reason) })),
      alarmsClosed: report.fleet.alarmsClosed.map((a) => ({ ...a, reason: cut(a.reason) })),
    },
    targets: report.targets.map((t) => ({ ...t, currentAlarms: t.currentAlarms.map((a) => ({ ...a, reason: cut(a.reason) })) })),
    // Instance ids and names come from the provider, not the config: cut like reasons.
    ...(report.coverage && {
      coverage: report.coverage.map((c) => ({
        ...c,
        uncoveredInstances: c.uncoveredInstances.map((u) => ({ ...u, instance: cut(u.instance), name: u.name === null ? null : cut(u.name) })),
        excludedInstances: c.excludedInstances.map((x) => ({ ...x, instance: cut(x.instance) })),
      })),
    }),
  });
}

/**
 * The report as JSON (shape `version: 1`, see types.ts), indented for people and scripts alike, from
 * `reportData`. What invisible characters remain (line and paragraph separators) are written as
 * `\uXXXX` escapes, which parse to the same string, so the file is also safe to `cat`.
 */
export function renderJson(report: ComplianceReport): string {
  const text = JSON.stringify(reportData(report), null, 2).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${text}\n`;
}
