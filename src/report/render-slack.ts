import { escapeMrkdwn, escapeWithin, SLACK_LIMITS, type SlackBlock, type SlackPayload } from '../notify/slack-format.js';
import { periodName, reportHeading } from './title.js';
import type { ComplianceReport, TargetReport } from './types.js';
import type { GroupSummary } from './types-fleet.js';
import { complianceText, dur, evidenceText, field, pct, periodNoun, pts, reportTitle, span } from './view.js';
import { metCell } from './view-rpo.js';

/**
 * The report as a Slack summary: the fleet's numbers, the worst offenders and the worst group of each
 * kind. Names are cleaned, then escaped for mrkdwn (`& < >`), so `<!channel>` or `<http://x|y>` in a
 * name shows as text and can neither ping nor link; sections are `verbatim` so nothing is auto-linked.
 */

/** How many offenders the Slack summary lists. */
export const SLACK_OFFENDERS = 10;

const section = (text: string): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.slice(0, SLACK_LIMITS.sectionText), verbatim: true },
});

function offenderLine(t: TargetReport): string {
  const alarms =
    t.currentAlarms.length === 0 ? 'no alarm at the end' : `in alarm: ${t.currentAlarms.map((a) => field(a.rule, 40)).join(', ')}`;
  return (
    `• *${escapeWithin(field(t.id), 120)}* ${pct(t.compliance)} (${pts(t.complianceChange)}) · ` +
    `${escapeWithin(alarms, 200)} · backups on ${t.daysWithBackup}/${t.days} days`
  );
}

/** `Worst achieved RPO: *db-1* longest gap 3d (objective 1d, not met)`; nothing when no target has a completed backup. */
function worstRpoLine(report: ComplianceReport): string[] {
  const r = report.fleet.worstRpo[0];
  if (!r) return [];
  const objective = r.objectiveMs === null ? 'no objective' : `objective ${dur(r.objectiveMs)}, ${metCell(r)}`;
  return [`Worst achieved RPO: *${escapeWithin(field(r.target), 120)}* longest gap ${dur(r.longestMs)} (${objective})`];
}

function worstGroup(kind: string, list: readonly GroupSummary[]): string | null {
  const g = list[0];
  if (!g || list.length < 2) return null;
  return `${escapeWithin(kind, 60)} ${escapeWithin(g.value === null ? '(none)' : field(g.value), 80)} ${pct(g.compliance)}`;
}

/** Builds the incoming-webhook message for a report. */
export function reportSlack(report: ComplianceReport): SlackPayload {
  const f = report.fleet;
  const title = reportTitle(report);
  const previous =
    f.previousCompliance === null ? 'no data for the previous period' : `previous ${pct(f.previousCompliance)}, ${pts(f.complianceChange)}`;
  const header = reportHeading(report);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: header.slice(0, SLACK_LIMITS.headerText), emoji: true } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: escapeMrkdwn(`${span(report, report.period)} · compared with ${periodName(report, report.previousPeriod)}`),
          verbatim: true,
        },
      ],
    },
    section(
      [
        `*Fleet ${complianceText(f.compliance, f.evidenceCoverage, periodNoun(report))}* (${previous})`,
        `${f.targets} targets · ${f.targetsInAlarm} in alarm at the period end · ` +
          `${f.blindTargets.length} blind for a while · ${pct(f.unknownShare)} unknown`,
        `Backups: ${f.backups.completed} completed, ${f.backups.failed} failed · ` +
          `Alarms: ${f.alarmsOpened.length} opened, ${f.alarmsClosed.length} closed` +
          (f.medianTimeToResolveMs === null ? '' : `, median time to resolve ${dur(f.medianTimeToResolveMs)}`),
        ...worstRpoLine(report),
      ].join('\n'),
    ),
  ];
  const worst = report.targets.filter((t) => f.worstOffenders.includes(t.id)).slice(0, SLACK_OFFENDERS);
  blocks.push(
    section(
      worst.length === 0
        ? 'Every target was compliant for the whole period. :white_check_mark:'
        : `*Worst offenders*\n${worst.map(offenderLine).join('\n')}`,
    ),
  );
  const groups = [
    worstGroup('cloud', f.groups.cloud),
    worstGroup('account', f.groups.account),
    ...Object.entries(f.groups.labels).map(([k, list]) => worstGroup(field(k, 40), list)),
  ].filter((g): g is string => g !== null);
  // Only the first few label keys: the message must stay within Slack's limits whatever the labels.
  if (groups.length > 0) blocks.push(section(`*Worst groups*\n${groups.slice(0, 8).join(' · ')}`));
  const args =
    report.period.kind === 'week' ? `--week ${field(report.period.label, 40)}` : `--from ${report.period.start} --to ${report.period.end}`;
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: escapeMrkdwn(`Full report: backup-auditor report ${args} --format html · generated ${report.generatedAt}`),
        verbatim: true,
      },
      { type: 'mrkdwn', text: escapeMrkdwn(evidenceText(report)), verbatim: true },
    ],
  });
  return { text: escapeWithin(title, SLACK_LIMITS.fallbackText), blocks };
}
