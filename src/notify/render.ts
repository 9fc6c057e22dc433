import { iso } from '../core/clock.js';
import { compareText, truncate, UNSAFE } from '../core/text.js';
import type { AlertItem } from '../domain/alert.js';
import { SEVERITIES, type Severity } from '../domain/finding.js';
import type { Digest } from './types.js';

export { truncate };

/**
 * Pure renderers of a digest for people: a subject line, a plain-text body and a mail-safe HTML body.
 * Every string that came from a provider or a label is treated as hostile: stripped of control
 * characters, truncated, and HTML-escaped where it lands in HTML.
 */

/** Longest reason shown; a runaway provider message must not turn one alert into megabytes of mail. */
export const MAX_REASON = 2000;
/** Longest target id, rule id, label key or value shown. */
export const MAX_FIELD = 200;
/** Longest rendered label list. */
export const MAX_LABELS = 1000;

/** Most urgent first, in the order SEVERITIES lists them. */
const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
const KIND_RANK: Record<AlertItem['kind'], number> = { firing: 0, reminder: 1, resolved: 2, test: 3 };

/** The headline of a `notify test` digest, so the subject and Slack header say at once that nothing is wrong. */
export const TEST_HEADLINE = 'TEST message from backup-auditor';

/** Counts of a digest and its worst firing severity (null when nothing fires). */
export interface DigestSummary {
  /** Firing items, reminders included: both are alarms a person must act on. */
  readonly firing: number;
  readonly reminders: number;
  readonly resolved: number;
  /** `notify test` items: neither firing nor resolved. */
  readonly tests: number;
  readonly worst: Severity | null;
}

/** Counts items by kind and finds the worst severity among the firing ones. */
export function summarize(digest: Digest): DigestSummary {
  let firing = 0;
  let reminders = 0;
  let resolved = 0;
  let tests = 0;
  let worst: Severity | null = null;
  for (const item of digest.items) {
    if (item.kind === 'resolved') {
      resolved++;
      continue;
    }
    if (item.kind === 'test') {
      tests++;
      continue;
    }
    firing++;
    if (item.kind === 'reminder') reminders++;
    if (worst === null || severityRank(item.severity) < severityRank(worst)) worst = item.severity;
  }
  return { firing, reminders, resolved, tests, worst };
}

/** `CRITICAL: 2 firing, 1 resolved`, `resolved: 1`, TEST_HEADLINE or `no items`: the subject without its prefix. */
export function headline(digest: Digest): string {
  if (digest.report) return oneLine(digest.report.subject);
  const s = summarize(digest);
  if (s.worst !== null) {
    const resolved = s.resolved > 0 ? `, ${s.resolved} resolved` : '';
    return `${s.worst.toUpperCase()}: ${s.firing} firing${resolved}`;
  }
  if (s.resolved > 0) return `resolved: ${s.resolved}`;
  return s.tests > 0 ? TEST_HEADLINE : 'no items';
}

/** The mail subject: `<prefix> CRITICAL: 2 firing, 1 resolved`. One line, whatever the prefix holds. */
export function subject(digest: Digest, prefix: string): string {
  const p = oneLine(prefix).trim();
  return p === '' ? headline(digest) : `${p} ${headline(digest)}`;
}

/**
 * Firing and reminder items first, worst severity first, new alarms before reminders; then resolved
 * ones, then test ones. Ties are broken by target and rule so the order is stable between sends.
 */
export function orderItems(items: readonly AlertItem[]): AlertItem[] {
  const group = (i: AlertItem): number => (i.kind === 'resolved' ? 1 : i.kind === 'test' ? 2 : 0);
  return [...items].sort(
    (a, b) =>
      group(a) - group(b) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
      compareText(a.targetId, b.targetId) ||
      compareText(a.ruleId, b.ruleId),
  );
}

/** How an item's kind reads to a person. */
export function kindLabel(kind: AlertItem['kind']): string {
  return KIND_LABEL[kind];
}

const KIND_LABEL: Record<AlertItem['kind'], string> = { firing: 'FIRING', reminder: 'STILL FIRING', resolved: 'RESOLVED', test: 'TEST' };

/** An item's hostile fields made safe to show (not yet escaped for any markup). */
export interface ShownItem {
  readonly kind: string;
  readonly target: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly since: string;
  readonly reason: string;
  readonly labels: string;
}

/** Cleans and truncates an item's text for display; markup escaping is the caller's job. */
export function shownItem(item: AlertItem): ShownItem {
  return {
    kind: kindLabel(item.kind),
    target: truncate(oneLine(item.targetId), MAX_FIELD),
    rule: truncate(oneLine(item.ruleId), MAX_FIELD),
    severity: item.severity,
    since: Number.isFinite(item.since) ? iso(item.since) : 'unknown',
    reason: truncate(multiLine(item.reason).trim(), MAX_REASON),
    labels: labelList(item.labels),
  };
}

/** `env=prod, team=payments`, sorted by key so the same labels always read the same. */
export function labelList(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort(compareText)
    .map((k) => `${truncate(oneLine(k), MAX_FIELD)}=${truncate(oneLine(labels[k] ?? ''), MAX_FIELD)}`);
  return truncate(pairs.join(', '), MAX_LABELS);
}

/** The plain-text body: a headline, then one block per item. */
export function renderText(digest: Digest): string {
  const lines = [`backup-auditor: ${headline(digest)}`, `as of ${iso(digest.createdAt)}`, ''];
  for (const item of orderItems(digest.items).map(shownItem)) {
    lines.push(`[${item.kind}] ${item.severity.toUpperCase()} ${item.target} / ${item.rule}`);
    lines.push(`  since:  ${item.since}`);
    lines.push(`  reason: ${item.reason.replace(/\n/g, '\n          ')}`);
    if (item.labels !== '') lines.push(`  labels: ${item.labels}`);
    lines.push('');
  }
  return lines.join('\n');
}

const SEVERITY_COLOR: Record<Severity | 'resolved' | 'test', string> = {
  critical: '#b42318',
  warning: '#b54708',
  info: '#175cd3',
  resolved: '#067647',
  test: '#475467',
};
const CELL = 'padding:8px 10px;border-bottom:1px solid #e4e7ec;vertical-align:top;text-align:left;';
const PAGE_TABLE = 'max-width:960px;border-collapse:collapse;background:#ffffff;border:1px solid #e4e7ec;';
const HEADINGS = ['State', 'Target / rule', 'Since', 'Reason', 'Labels'];
const HEADER_ROW = `<tr>${HEADINGS.map((h) => `<th style="${CELL}">${h}</th>`).join('')}</tr>`;
const WRAP = 'word-break:break-word;overflow-wrap:anywhere;';

/**
 * A complete HTML document for mail clients: tables and inline styles only (clients strip `<style>`
 * and never run scripts), no images or links to fetch, every dynamic string escaped.
 */
export function renderHtml(digest: Digest): string {
  const title = escapeHtml(`backup-auditor: ${headline(digest)}`);
  const rows = orderItems(digest.items).map(htmlRow).join('\n');
  const empty = `<tr><td colspan="5" style="${CELL}color:#667085;">No items.</td></tr>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title></head>
<body style="margin:0;padding:16px;background:#f9fafb;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="${PAGE_TABLE}">
<tr><td style="padding:12px 10px;font-size:18px;font-weight:bold;">${title}</td></tr>
<tr><td style="padding:0 10px 12px;color:#667085;">As of ${escapeHtml(iso(digest.createdAt))}</td></tr>
<tr><td>
<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;">
${HEADER_ROW}
${rows === '' ? empty : rows}
</table>
</td></tr>
</table>
</body></html>
`;
}

function htmlRow(item: AlertItem): string {
  const s = shownItem(item);
  const color = SEVERITY_COLOR[item.kind === 'resolved' || item.kind === 'test' ? item.kind : item.severity];
  const badge = `<span style="color:${color};font-weight:bold;">${escapeHtml(s.kind)}</span><br>${escapeHtml(s.severity)}`;
  return (
    `<tr><td style="${CELL}white-space:nowrap;">${badge}</td>` +
    `<td style="${CELL}${WRAP}"><b>${escapeHtml(s.target)}</b><br>${escapeHtml(s.rule)}</td>` +
    `<td style="${CELL}white-space:nowrap;">${escapeHtml(s.since)}</td>` +
    `<td style="${CELL}${WRAP}">${escapeHtml(s.reason).replace(/\n/g, '<br>')}</td>` +
    `<td style="${CELL}${WRAP}color:#475467;">${escapeHtml(s.labels)}</td></tr>`
  );
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_SPECIAL = /[&<>"']/;
// What oneLine changes, in one pattern without the `g` flag (so `test` keeps no state between calls).
const NOT_ONE_LINE = new RegExp(`[\\r\\n\\t\\u2028\\u2029]|${UNSAFE.source}`);

/** Escapes `& < > " '` so text is inert in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape, and a test alone is cheaper than a replace that finds nothing
  // (a fleet report's HTML escapes hundreds of thousands of strings).
  return HTML_SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c) : text;
}

/** For fields that must stay on one line: controls removed, line breaks and tabs become spaces. */
export function oneLine(text: string): string {
  if (!NOT_ONE_LINE.test(text)) return text;
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(UNSAFE, '');
}

/** For free text: controls removed, line breaks normalised to `\n`, tabs kept as spaces. */
export function multiLine(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/\t/g, ' ')
    .replace(UNSAFE, '');
}
