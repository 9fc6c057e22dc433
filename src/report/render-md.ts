import { controlsSection } from './render-md-controls.js';
import { exceptionsSection } from './render-md-exceptions.js';
import { worstRpoSection } from './render-md-rpo.js';
import { type Format, targetSection } from './render-md-target.js';
import { periodName, reportHeading } from './title.js';
import type { ComplianceReport } from './types.js';
import type { GroupSummary } from './types-fleet.js';
import {
  alarmsInPeriod,
  complianceText,
  DAY_LEGEND,
  DETAIL_TARGETS,
  dur,
  evidenceText,
  field,
  local,
  MAX_ROWS,
  moreNote,
  pct,
  periodNoun,
  pts,
  reconstructedFleetText,
  span,
  weekdayShort,
} from './view.js';
import { coverageVerdict } from './view-coverage.js';

/**
 * The report as Markdown for a terminal or a wiki page, and (with `plain`) as the plain-text part of
 * the report email. Hostile text is cleaned by `field`/`prose` (no ANSI or other control characters,
 * no bidi overrides, bounded length); in Markdown it is then backslash-escaped so a name like
 * `<img src=x>` or `[x](http://evil)` or `|` shows as typed and can neither inject HTML, links nor
 * table cells.
 */
export interface MarkdownOptions {
  /** Plain text: no Markdown escaping (for the email text part, read as is). */
  readonly plain?: boolean;
  /** Show per-target detail for at most this many targets (worst first); DETAIL_TARGETS by default. */
  readonly maxTargets?: number;
  /** Rows of each fleet list (groups, alarms, blind targets); MAX_ROWS by default. */
  readonly maxRows?: number;
}

// What CommonMark/GFM gives meaning to within a line (emphasis, code, links, HTML, entities, table
// cells, strikethrough, headings, math); `(`, `+` or `!` only matter next to one of these or at a line start.
const MD_SPECIAL = /[\\`*_[\]<>#|~&$]/g;

/** Escapes text for Markdown inline content and table cells. */
export function escapeMarkdown(text: string): string {
  return text.replace(MD_SPECIAL, (c) => `\\${c}`);
}

/** Renders the whole report. */
export function renderMarkdown(report: ComplianceReport, opts: MarkdownOptions = {}): string {
  const fmt: Format = opts.plain
    ? { esc: (s) => s, strong: (s) => s, code: (s) => s }
    : { esc: escapeMarkdown, strong: (s) => `**${s}**`, code: (s) => `\`${s}\`` };
  const { esc } = fmt;
  const name = (s: string) => esc(field(s));
  const when = (isoText: string) => local(report, isoText);
  const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ];
  const f = report.fleet;
  const out: string[] = [];
  // Only a report that holds reconstructed evidence needs the column.
  const rebuilt = f.reconstructedShare > 0;
  const previous =
    f.previousCompliance === null ? 'no data for the previous period' : `previous ${pct(f.previousCompliance)}, ${pts(f.complianceChange)}`;
  out.push(
    `# ${esc(reportHeading(report))}`,
    '',
    `Period: ${report.period.kind === 'week' ? `${name(report.period.label)}, ` : ''}${esc(span(report, report.period))}, ` +
      `${dur(report.period.lengthMs)}; compared with ${esc(periodName(report, report.previousPeriod))}. ` +
      `Times are in ${name(report.timezone)}.`,
    `Generated ${esc(report.generatedAt)}.`,
    '',
    esc(evidenceText(report)),
    '',
    '## Fleet',
    '',
    ...table(
      ['', ''],
      [
        ['Compliance', `${fmt.strong(complianceText(f.compliance, f.evidenceCoverage, periodNoun(report)))} (${previous})`],
        ['Targets', `${f.targets}; ${f.targetsInAlarm} in alarm at the period end; ${f.blindTargets.length} blind for a while`],
        ['Unknown', `${pct(f.unknownShare)} of target-time (no evaluation, or rules that could not judge)`],
        ...(f.reconstructedShare > 0 ? [['Reconstructed', esc(reconstructedFleetText(f.reconstructedShare))]] : []),
        ['Backups', `${f.backups.completed} completed, ${f.backups.failed} failed`],
        [
          'Alarms',
          `${f.alarmsOpened.length} opened, ${f.alarmsClosed.length} closed; ` +
            `median time to resolve ${f.medianTimeToResolveMs === null ? 'n/a' : dur(f.medianTimeToResolveMs)}`,
        ],
      ],
    ),
    '### Daily compliance',
    '',
    ...table(
      ['Day', 'Compliance', ...(rebuilt ? ['Reconstructed'] : []), 'Completed', 'Failed', 'Targets with backup'],
      f.daily.map((d) => [
        `${weekdayShort(d.date)} ${d.date}`,
        pct(d.compliance),
        ...(rebuilt ? [pct(d.reconstructed)] : []),
        String(d.completed),
        String(d.failed),
        `${d.targetsWithBackup}/${f.targets}`,
      ]),
    ),
  );

  const worst = report.targets.filter((t) => f.worstOffenders.includes(t.id));
  out.push('## Worst offenders', '');
  if (worst.length === 0) out.push('Every target was compliant for the whole period.', '');
  else {
    out.push(
      ...table(
        ['Target', 'Compliance', 'Evidence', 'Change', 'Alarms at end', 'Days with backup', 'Longest gap'],
        worst.map((t) => [
          name(t.id),
          pct(t.compliance),
          pct(t.evidenceCoverage),
          pts(t.complianceChange),
          String(t.currentAlarms.length),
          `${t.daysWithBackup}/${t.days}`,
          t.longestGap ? dur(t.longestGap.ms) : 'n/a',
        ]),
      ),
    );
  }

  out.push(...worstRpoSection(report, esc));

  const maxRows = opts.maxRows ?? MAX_ROWS;
  const more = (shown: number, total: number, what: string): void => {
    const note = moreNote(shown, total, what);
    if (note) out.push(note, '');
  };
  const groups = (title: string, list: readonly GroupSummary[], none: string): void => {
    out.push(`## ${title}`, '');
    out.push(
      ...table(
        ['', 'Targets', 'Compliance', 'Change', 'In alarm', 'Backups completed / failed'],
        list
          .slice(0, maxRows)
          .map((g) => [
            g.value === null ? esc(none) : name(g.value),
            String(g.targets),
            pct(g.compliance),
            pts(g.complianceChange),
            String(g.targetsInAlarm),
            `${g.backups.completed} / ${g.backups.failed}`,
          ]),
      ),
    );
    more(Math.min(list.length, maxRows), list.length, 'groups');
  };
  groups('By cloud', f.groups.cloud, '(none)');
  groups('By account', f.groups.account, '(none)');
  for (const [key, list] of Object.entries(f.groups.labels)) groups(`By label ${name(key)}`, list, `(no ${field(key)})`);

  out.push('## Alarms opened and closed in the period', '');
  const alarms = alarmsInPeriod(report, maxRows);
  if (alarms.total === 0) out.push('None.', '');
  else {
    out.push(
      ...table(
        ['Target', 'Rule', 'Severity', 'Opened', 'Closed', 'Time to resolve'],
        alarms.shown.map((a) => [
          name(a.target),
          name(a.rule),
          a.severity,
          when(a.openedAt),
          a.closedAt === null ? 'open' : when(a.closedAt),
          a.durationMs === null ? 'open' : dur(a.durationMs),
        ]),
      ),
    );
    more(alarms.shown.length, alarms.total, 'alarms (those shown are the open, most severe and longest ones)');
  }

  out.push('## Blind targets', '');
  if (f.blindTargets.length === 0) out.push('None: the auditor never lost sight of a target it was watching.', '');
  else {
    const blind = f.blindTargets.slice(0, maxRows);
    out.push(
      ...table(
        ['Target', 'Blind', 'Longest stretch', 'Blind at the end'],
        blind.map((b) => [name(b.target), dur(b.blindMs), dur(b.longestMs), b.atEnd ? 'yes' : 'no']),
      ),
    );
    more(blind.length, f.blindTargets.length, 'blind targets');
  }

  if (report.coverage) {
    out.push('## Coverage', '');
    out.push(
      ...table(
        ['Account', 'Service', 'Discovered', 'Targeted', 'Excluded', 'Uncovered', 'Replicas', 'Last discovery'],
        report.coverage.map((c) => [
          name(c.account),
          name(c.service),
          String(c.discovered),
          String(c.targeted),
          String(c.excluded),
          String(c.uncovered),
          String(c.replicas),
          c.lastDiscoveryAt === null ? 'never' : when(c.lastDiscoveryAt),
        ]),
      ),
    );
    const uncovered = report.coverage.flatMap((c) => [
      ...c.uncoveredInstances.map(
        (u) =>
          `- Uncovered: ${name(`${c.account}/${c.service}/${u.instance}`)}${u.name ? ` (${name(u.name)})` : ''}` +
          `, first seen ${when(u.firstSeenAt)}`,
      ),
      ...c.missingTargets.map((m) => `- Target ${name(m.target)}: instance ${name(m.instance)} no longer discovered`),
    ]);
    out.push(...(uncovered.length === 0 ? [coverageVerdict(report.coverage)] : uncovered.slice(0, maxRows)), '');
    more(Math.min(uncovered.length, maxRows), uncovered.length, 'coverage problems');
  }

  out.push(...controlsSection(report, fmt, maxRows));
  out.push(...exceptionsSection(report, fmt, maxRows));

  const shown = report.targets.slice(0, opts.maxTargets ?? DETAIL_TARGETS);
  out.push('## Targets', '', `Days: ${DAY_LEGEND}.`, '');
  for (const t of shown) out.push(...targetSection(report, t, fmt));
  more(shown.length, report.targets.length, 'targets');
  return `${out.join('\n').trimEnd()}\n`;
}
