import { multiLine, truncate } from '../notify/render.js';
import type { ComplianceReport, TargetReport } from './types.js';

/**
 * One row per target for spreadsheets: RFC 4180 (comma-separated, CRLF line ends, fields with a
 * comma, quote or line break in double quotes with quotes doubled), UTF-8. Text cells are safe to open
 * in Excel, LibreOffice or Google Sheets: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return would run as a formula (`=HYPERLINK(...)`), so it gets a leading `'`, which spreadsheets show
 * as text. Control characters are removed and text is cut to 1000 characters.
 */

/** The columns, in order; numbers use a dot and no thousands separator. */
export const CSV_COLUMNS = [
  'target',
  'cloud',
  'account',
  'service',
  'instance',
  'labels',
  'compliance_pct',
  'previous_compliance_pct',
  'change_pts',
  'alarm_hours',
  'unknown_hours',
  'blind_hours',
  'days_with_backup',
  'days',
  'backups_completed',
  'backups_failed',
  'longest_gap_hours',
  'longest_gap_from',
  'longest_gap_to',
  'alarms_at_end',
  'alarm_rules_at_end',
  'alarms_opened',
  'alarms_resolved',
  'median_time_to_resolve_hours',
  // Added last, so scripts reading columns by position keep working.
  'evidence_pct',
  // The achieved RPO (see types-rpo.ts); empty when unknown.
  'rpo_longest_hours',
  'rpo_p95_hours',
  'rpo_open_hours',
  'rpo_objective_hours',
  // Time before the auditor first evaluated the target; blind_hours no longer counts it.
  'unwatched_hours',
] as const;

const MAX_CELL = 1000;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: controls removed, cut, formula-neutralised, then quoted when needed. */
export function textCell(value: string): string {
  // multiLine keeps \n (quoted below) and turns tabs into spaces; a leading \r cannot survive it either.
  let text = truncate(multiLine(value), MAX_CELL);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return quote(text);
}

/** A number cell (ours, never provider text): plain digits, empty when unknown. */
export function numberCell(value: number | null, decimals: number): string {
  return value === null || !Number.isFinite(value) ? '' : value.toFixed(decimals);
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const hours = (ms: number): string => numberCell(ms / 3_600_000, 2);
const hoursOrEmpty = (ms: number | null): string => (ms === null ? '' : hours(ms));

function medianHours(t: TargetReport): string {
  const d = t.resolvedAlarms
    .filter((r) => r.to === 'ok')
    .map((r) => r.durationMs)
    .sort((a, b) => a - b);
  if (d.length === 0) return '';
  const mid = d.length >> 1;
  return hours(d.length % 2 === 1 ? (d[mid] as number) : ((d[mid - 1] as number) + (d[mid] as number)) / 2);
}

function row(t: TargetReport): string[] {
  const labels = Object.keys(t.labels)
    .sort()
    .map((k) => `${k}=${t.labels[k] ?? ''}`)
    .join(';');
  return [
    textCell(t.id),
    textCell(t.cloud),
    textCell(t.account),
    textCell(t.service),
    textCell(t.instance),
    textCell(labels),
    numberCell(t.compliance === null ? null : t.compliance * 100, 2),
    numberCell(t.previousCompliance === null ? null : t.previousCompliance * 100, 2),
    numberCell(t.complianceChange === null ? null : t.complianceChange * 100, 2),
    hours(t.time.alarmMs),
    hours(t.time.unknownMs),
    hours(t.blindMs),
    String(t.daysWithBackup),
    String(t.days),
    String(t.backups.completed),
    String(t.backups.failed),
    t.longestGap ? hours(t.longestGap.ms) : '',
    t.longestGap ? textCell(t.longestGap.from) : '',
    t.longestGap ? textCell(t.longestGap.to) : '',
    String(t.currentAlarms.length),
    textCell(t.currentAlarms.map((a) => a.rule).join(';')),
    String(t.openedAlarms),
    String(t.resolvedAlarms.length),
    medianHours(t),
    numberCell(t.evidenceCoverage * 100, 2),
    hoursOrEmpty(t.rpo.longestMs),
    hoursOrEmpty(t.rpo.p95Ms),
    hoursOrEmpty(t.rpo.openMs),
    hoursOrEmpty(t.rpo.objectiveMs),
    hours(t.unwatchedMs),
  ];
}

/** Renders the report's targets as CSV, worst first, with a header row. */
export function renderCsv(report: ComplianceReport): string {
  return [CSV_COLUMNS.join(','), ...report.targets.map((t) => row(t).join(','))].map((line) => `${line}\r\n`).join('');
}
