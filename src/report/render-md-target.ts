import type { ComplianceReport, TargetReport } from './types.js';
import { complianceText, dayStrip, dur, field, labelText, local, pct, periodNoun, prose, pts, reconstructedText } from './view.js';
import { drillText } from './view-drill.js';
import { rpoText } from './view-rpo.js';

/** How text is marked up: Markdown, or nothing for plain text. */
export interface Format {
  readonly esc: (s: string) => string;
  readonly strong: (s: string) => string;
  readonly code: (s: string) => string;
}

/** One target's section: where it is, its compliance, backups, longest gap and alarms. */
export function targetSection(report: ComplianceReport, t: TargetReport, fmt: Format): string[] {
  const { esc } = fmt;
  const name = (s: string) => esc(field(s));
  const when = (isoText: string) => local(report, isoText);
  const previous =
    t.previousCompliance === null ? 'no data for the previous period' : `previous ${pct(t.previousCompliance)}, ${pts(t.complianceChange)}`;
  const gap = t.longestGap
    ? `${dur(t.longestGap.ms)} (${t.longestGap.fromPeriodStart ? 'period start, no earlier backup on record' : when(t.longestGap.from)}` +
      ` to ${when(t.longestGap.to)})`
    : 'n/a';
  const lines = [
    `### ${name(t.id)}`,
    '',
    `${name(t.cloud)} · account ${name(t.account)} · ${name(t.service)} ${name(t.instance)} · labels: ${esc(labelText(t.labels))}`,
    '',
    `- Compliance ${fmt.strong(complianceText(t.compliance, t.evidenceCoverage, periodNoun(report)))} (${previous}); ` +
      `in alarm ${dur(t.time.alarmMs)}, unknown ${dur(t.time.unknownMs)}` +
      `${t.unwatchedMs > 0 ? `, not yet watched ${dur(t.unwatchedMs)}` : ''}${t.blindMs > 0 ? `, blind ${dur(t.blindMs)}` : ''}`,
    ...(t.reconstructed ? [`- ${esc(reconstructedText(report, t.reconstructed))}`] : []),
    `- Backups: ${t.backups.completed} completed, ${t.backups.failed} failed; ` +
      `days with a backup ${t.daysWithBackup}/${t.days} ${fmt.code(dayStrip(t.daily))}`,
    `- Longest gap without a completed backup: ${gap}`,
    `- Achieved RPO: ${rpoText(t.rpo)}`,
    ...(t.drill ? [`- Last restore drill: ${esc(drillText(report, t.drill))}`] : []),
  ];
  if (t.currentAlarms.length === 0) lines.push('- Alarms at the period end: none');
  else {
    lines.push('- Alarms at the period end:');
    for (const a of t.currentAlarms) lines.push(`  - ${name(a.rule)} (${a.severity}) since ${when(a.since)}: ${esc(prose(a.reason))}`);
  }
  for (const r of t.resolvedAlarms) {
    lines.push(
      `- ${r.to === 'ok' ? 'Resolved' : `Ended (${r.to})`}: ${name(r.rule)} (${r.severity}) ` +
        `${when(r.openedAt)} to ${when(r.closedAt)}, after ${dur(r.durationMs)}`,
    );
  }
  lines.push('');
  return lines;
}
