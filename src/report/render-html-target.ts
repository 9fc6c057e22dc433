import { badge, complianceBadge, e, FONT, LAYOUT_TABLE, MUTED, name, WRAP } from './render-html-blocks.js';
import { dayCellsSvg } from './render-svg.js';
import type { ComplianceReport, TargetReport } from './types.js';
import { dur, field, labelText, local, pct, periodNoun, prose, pts, reconstructedText } from './view.js';
import { drillText } from './view-drill.js';
import { rpoText } from './view-rpo.js';

/** One target's card in the HTML report: identity, compliance, day cells, gap, RPO and its alarms. */
export function targetCard(report: ComplianceReport, t: TargetReport): string {
  const when = (isoText: string): string => e(local(report, isoText));
  const previous = t.previousCompliance === null ? 'no previous data' : `previous ${pct(t.previousCompliance)}, ${pts(t.complianceChange)}`;
  const gap = t.longestGap
    ? `${dur(t.longestGap.ms)} (${t.longestGap.fromPeriodStart ? 'from the period start' : `from ${local(report, t.longestGap.from)}`}` +
      ` to ${local(report, t.longestGap.to)})`
    : 'n/a';
  const rows = [
    `${name(t.cloud)} · ${name(t.account)} · ${name(t.service)} ${name(t.instance)}` +
      `<br><span style="${MUTED}">labels: ${e(labelText(t.labels))}</span>`,
    `Compliance ${complianceBadge(t.compliance, t.evidenceCoverage, periodNoun(report))} (${e(previous)}); ` +
      `in alarm ${e(dur(t.time.alarmMs))}, unknown ${e(dur(t.time.unknownMs))}` +
      `${t.unwatchedMs > 0 ? `, not yet watched ${e(dur(t.unwatchedMs))}` : ''}${t.blindMs > 0 ? `, blind ${e(dur(t.blindMs))}` : ''}`,
    ...(t.reconstructed ? [`<span style="font-style:italic;">${e(reconstructedText(report, t.reconstructed))}</span>`] : []),
    `Backups: ${t.backups.completed} completed, ${t.backups.failed} failed; days with a backup ${t.daysWithBackup}/${t.days}`,
    dayCellsSvg(t.daily, `${field(t.id)}: backups per day, ${t.daysWithBackup} of ${t.days} days with a completed backup`),
    `Longest gap without a completed backup: ${e(gap)}`,
    `Achieved RPO: ${e(rpoText(t.rpo))}`,
    ...(t.drill ? [`Last restore drill: ${e(drillText(report, t.drill))}`] : []),
  ];
  for (const a of t.currentAlarms) {
    rows.push(
      `<span style="color:#b42318;font-weight:bold;">In alarm</span> ${name(a.rule)} (${e(a.severity)}) ` +
        `since ${when(a.since)}: ${e(prose(a.reason))}`,
    );
  }
  for (const r of t.resolvedAlarms) {
    rows.push(
      `<span style="color:#067647;">${r.to === 'ok' ? 'Resolved' : e(`Ended (${r.to})`)}</span> ${name(r.rule)} (${e(r.severity)}) ` +
        `${when(r.openedAt)} to ${when(r.closedAt)}, after ${e(dur(r.durationMs))}`,
    );
  }
  return `${LAYOUT_TABLE} style="border-collapse:collapse;table-layout:fixed;border:1px solid #e4e7ec;margin:12px 0;${FONT}font-size:13px;">
<tr><td style="padding:8px 10px;background:#f9fafb;font-size:15px;${WRAP}"><b>${name(t.id)}</b> &nbsp; ${badge(t.compliance)}</td></tr>
${rows.map((r) => `<tr><td style="padding:6px 10px;${WRAP}">${r}</td></tr>`).join('\n')}
</table>`;
}
