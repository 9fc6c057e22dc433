import { MAX_REASON, truncate } from '../notify/render.js';
import type { ComplianceReport } from './types.js';

// Characters that JSON allows raw but that can restyle or reorder a terminal or an editor showing the
// file: C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates.
const INVISIBLE = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The report as it leaves the process as data (this file, a webhook body): identifiers and labels
 * from the config exactly, so scripts can join on them; reasons, which may quote a provider, cut to
 * 2000 characters.
 */
export function reportData(report: ComplianceReport): ComplianceReport {
  const cut = (reason: string): string => truncate(reason, MAX_REASON);
  return {
    ...report,
    fleet: {
      ...report.fleet,
      alarmsOpened: report.fleet.alarmsOpened.map((a) => ({ ...a, reason: cut(a.reason) })),
      alarmsClosed: report.fleet.alarmsClosed.map((a) => ({ ...a, reason: cut(a.reason) })),
    },
    targets: report.targets.map((t) => ({ ...t, currentAlarms: t.currentAlarms.map((a) => ({ ...a, reason: cut(a.reason) })) })),
  };
}

/**
 * The report as JSON (shape `version: 1`, see types.ts), indented for people and scripts alike, from
 * `reportData`. C0 controls are escaped by JSON itself; the invisible characters above are written as
 * `\uXXXX` escapes, which parse to the same string, so the file is also safe to `cat`.
 */
export function renderJson(report: ComplianceReport): string {
  const text = JSON.stringify(reportData(report), null, 2).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${text}\n`;
}
