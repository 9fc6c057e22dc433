import { badge, CARD_CELL, CARD_GRID, complianceBadge, e, FONT, h2, htmlPage, MUTED, name, para, table } from './render-html-blocks.js';
import { controlsHtml } from './render-html-controls.js';
import { exceptionsHtml } from './render-html-exceptions.js';
import { worstRpoHtml } from './render-html-rpo.js';
import { targetCard } from './render-html-target.js';
import { DAY_COLOR, fleetTrendSvg } from './render-svg.js';
import { periodName, reportHeading } from './title.js';
import type { ComplianceReport } from './types.js';
import type { GroupSummary } from './types-fleet.js';
import {
  alarmsInPeriod,
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
  reportTitle,
  span,
} from './view.js';
import { coverageVerdict } from './view-coverage.js';

/**
 * The report as one HTML document that mail clients render: layout tables, inline styles only (clients
 * drop `<style>` blocks), inline SVG charts, no scripts, no external images, fonts or links. One column
 * of at most MAX_WIDTH px that uses a wide screen (target cards side by side) and still reads on a
 * phone: long names wrap, a table too wide scrolls inside its own box, charts shrink to fit. Every
 * dynamic string is cleaned (`field`/`prose`) and then HTML-escaped.
 */
export interface HtmlOptions {
  /** Show per-target detail for at most this many targets (worst first); DETAIL_TARGETS by default. */
  readonly maxTargets?: number;
  /** Rows of each fleet list (groups, alarms, blind targets); MAX_ROWS by default. */
  readonly maxRows?: number;
}

/** A paragraph saying how many rows were left out, or nothing. */
function more(shown: number, total: number, what: string): string {
  const note = moreNote(shown, total, what);
  return note === null ? '' : para(e(note));
}

function groupTable(list: readonly GroupSummary[], none: string, maxRows: number): string {
  const shown = list.slice(0, maxRows);
  return (
    table(
      ['', 'Targets', 'Compliance', 'Change', 'In alarm'],
      shown.map((g) => [
        g.value === null ? e(none) : name(g.value),
        String(g.targets),
        badge(g.compliance),
        e(pts(g.complianceChange)),
        String(g.targetsInAlarm),
      ]),
    ) + more(shown.length, list.length, 'groups')
  );
}

/** Renders the whole report as an HTML document. */
export function renderHtml(report: ComplianceReport, opts: HtmlOptions = {}): string {
  const f = report.fleet;
  const maxRows = opts.maxRows ?? MAX_ROWS;
  const when = (isoText: string): string => e(local(report, isoText));
  const parts: string[] = [];
  const previous =
    f.previousCompliance === null ? 'no data for the previous period' : `previous ${pct(f.previousCompliance)}, ${pts(f.complianceChange)}`;
  // The machine label of a week in small print; a range's ISO interval would only repeat the bounds.
  const week = report.period.kind === 'week' ? `${name(report.period.label)}: ` : '';
  parts.push(
    `<h1 style="${FONT}font-size:22px;margin:0 0 6px;">${e(reportHeading(report))}</h1>`,
    `<p style="${FONT}margin:0 0 12px;font-size:13px;${MUTED}">${week}${e(span(report, report.period))}, ` +
      `${e(dur(report.period.lengthMs))}; compared with ${e(periodName(report, report.previousPeriod))}. ` +
      `Generated ${e(report.generatedAt)}.</p>`,
    `<p style="${FONT}margin:0 0 12px;font-size:12px;${MUTED}word-break:break-all;">${e(evidenceText(report))}</p>`,
    table(
      ['Fleet', ''],
      [
        ['Compliance', `${complianceBadge(f.compliance, f.evidenceCoverage, periodNoun(report))} (${e(previous)})`],
        ['Targets', e(`${f.targets}; ${f.targetsInAlarm} in alarm at the period end; ${f.blindTargets.length} blind for a while`)],
        ['Unknown', e(`${pct(f.unknownShare)} of target-time (no evaluation, or rules that could not judge)`)],
        ...(f.reconstructedShare > 0 ? [['Reconstructed', e(reconstructedFleetText(f.reconstructedShare))]] : []),
        ['Backups', e(`${f.backups.completed} completed, ${f.backups.failed} failed`)],
        [
          'Alarms',
          e(
            `${f.alarmsOpened.length} opened, ${f.alarmsClosed.length} closed; ` +
              `median time to resolve ${f.medianTimeToResolveMs === null ? 'n/a' : dur(f.medianTimeToResolveMs)}`,
          ),
        ],
      ],
      [1],
    ),
    h2('Fleet compliance per day'),
    fleetTrendSvg(f.daily),
    f.daily.some((d) => d.compliance !== null && d.reconstructed >= 0.5)
      ? para(`<span style="${MUTED}">Pale bars with a dashed outline: judged mostly from the providers' listings (reconstructed).</span>`)
      : '',
  );

  const worst = report.targets.filter((t) => f.worstOffenders.includes(t.id));
  parts.push(h2('Worst offenders'));
  parts.push(
    worst.length === 0
      ? para('Every target was compliant for the whole period.')
      : table(
          ['Target', 'Compliance', 'Evidence', 'Change', 'Alarms at end', 'Days with backup'],
          worst.map((t) => [
            name(t.id),
            badge(t.compliance),
            e(pct(t.evidenceCoverage)),
            e(pts(t.complianceChange)),
            String(t.currentAlarms.length),
            `${t.daysWithBackup}/${t.days}`,
          ]),
        ),
  );

  parts.push(worstRpoHtml(report));

  parts.push(
    h2('By cloud'),
    groupTable(f.groups.cloud, '(none)', maxRows),
    h2('By account'),
    groupTable(f.groups.account, '(none)', maxRows),
  );
  for (const [key, list] of Object.entries(f.groups.labels))
    parts.push(h2(`By label ${name(key)}`), groupTable(list, `(no ${field(key)})`, maxRows));

  const alarms = alarmsInPeriod(report, maxRows);
  parts.push(h2('Alarms opened and closed in the period'));
  parts.push(
    alarms.total === 0
      ? para('None.')
      : table(
          ['Target / rule', 'Opened', 'Closed', 'Time to resolve'],
          alarms.shown.map((a) => [
            `<b>${name(a.target)}</b><br>${name(a.rule)} <span style="${MUTED}">${e(a.severity)}</span>`,
            when(a.openedAt),
            a.closedAt === null ? 'open' : when(a.closedAt),
            a.durationMs === null ? 'open' : e(dur(a.durationMs)),
          ]),
        ) + more(alarms.shown.length, alarms.total, 'alarms (those shown are the open, most severe and longest ones)'),
  );

  parts.push(h2('Blind targets'));
  parts.push(
    f.blindTargets.length === 0
      ? para('None: the auditor never lost sight of a target it was watching.')
      : table(
          ['Target', 'Blind', 'Longest stretch', 'At the end'],
          f.blindTargets
            .slice(0, maxRows)
            .map((b) => [name(b.target), e(dur(b.blindMs)), e(dur(b.longestMs)), b.atEnd ? 'blind' : 'watched']),
        ) + more(Math.min(maxRows, f.blindTargets.length), f.blindTargets.length, 'blind targets'),
  );

  if (report.coverage) {
    const when = (isoText: string): string => e(local(report, isoText));
    parts.push(h2('Coverage'));
    parts.push(
      table(
        ['Account / service', 'Found', 'Targeted', 'Excluded', 'Uncovered', 'Replicas'],
        report.coverage.map((c) => [
          `${name(c.account)} / ${name(c.service)}`,
          String(c.discovered),
          String(c.targeted),
          String(c.excluded),
          c.uncovered > 0 ? `<b style="color:#b42318;">${c.uncovered}</b>` : '0',
          String(c.replicas),
        ]),
      ),
    );
    const problems = report.coverage.flatMap((c) => [
      ...c.uncoveredInstances.map(
        (u) =>
          `Uncovered: ${name(`${c.account}/${c.service}/${u.instance}`)}${u.name ? ` (${name(u.name)})` : ''}` +
          `, first seen ${when(u.firstSeenAt)}`,
      ),
      ...c.missingTargets.map((m) => `Target ${name(m.target)}: instance ${name(m.instance)} no longer discovered`),
    ]);
    parts.push(
      problems.length === 0
        ? para(e(coverageVerdict(report.coverage)))
        : para(problems.slice(0, maxRows).join('<br>')) + more(Math.min(maxRows, problems.length), problems.length, 'coverage problems'),
    );
  }

  if (report.controls) parts.push(controlsHtml(report, maxRows));
  parts.push(exceptionsHtml(report, maxRows));

  const shown = report.targets.slice(0, opts.maxTargets ?? DETAIL_TARGETS);
  const legend = (['completed', 'failed', 'none'] as const)
    .map(
      (s) =>
        `<span style="display:inline-block;width:10px;height:10px;background:${DAY_COLOR[s]};border-radius:2px;"></span> ` +
        `${s === 'completed' ? 'completed backup' : s === 'failed' ? 'only failed backups' : 'no backup'}`,
    )
    .join(' &nbsp; ');
  parts.push(h2('Targets'), para(legend), `<div style="${CARD_GRID}">`);
  for (const t of shown) parts.push(`<div style="${CARD_CELL}">${targetCard(report, t)}</div>`);
  parts.push('</div>', more(shown.length, report.targets.length, 'targets'));

  return htmlPage(e(reportTitle(report)), parts);
}
