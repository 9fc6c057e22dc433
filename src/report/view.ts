import { formatDuration } from '../core/duration.js';
import { compareText } from '../core/text.js';
import { multiLine, oneLine, truncate } from '../notify/render.js';
import { remembered } from './memo.js';
import { wallClock } from './period.js';
import { reportHeading } from './title.js';
import type { ComplianceReport, ReportPeriod, TargetDay } from './types.js';
import type { FleetAlarm } from './types-fleet.js';

/**
 * Formatting shared by the human-readable renderers (Markdown, text, HTML, Slack). Every string that
 * came from the config or a provider goes through `field` or `prose` first: control characters
 * (ANSI escapes included) and bidi overrides removed, and cut to a length a report can carry.
 * Markup escaping is each renderer's own job, after this.
 */

/** Longest id, account, label key or value shown. */
export const MAX_NAME = 120;
/** Longest reason shown in a report (alerts allow more; a report lists many). */
export const MAX_REASON_SHOWN = 400;

/** A one-line field (id, account, label) made safe to show. */
export const field = (text: string, max = MAX_NAME): string => truncate(oneLine(text), max);

/** Free text (a rule's reason, which may quote a provider) on one line, made safe to show. */
export const prose = (text: string, max = MAX_REASON_SHOWN): string => truncate(multiLine(text).replace(/\n+/g, ' ').trim(), max);

/** What a share nobody could judge reads as, everywhere: unknown is never 0%. */
export const NO_EVIDENCE = 'no evidence';

/** `85.7%`: one decimal, never rounding a not-quite-complete share up to 100%; `no evidence` for null. */
export function pct(share: number | null): string {
  if (share === null) return NO_EVIDENCE;
  const tenths = Math.min(Math.round(share * 1000), share < 1 ? 999 : 1000);
  return `${(tenths / 10).toFixed(1)}%`;
}

/** `+1.5 pts`, `-28.4 pts`, `±0.0 pts`; `n/a` when unknown. */
export function pts(changeShare: number | null): string {
  if (changeShare === null) return 'n/a';
  const v = Math.round(changeShare * 1000) / 10;
  return v === 0 ? '±0.0 pts' : `${v > 0 ? '+' : '-'}${Math.abs(v).toFixed(1)} pts`;
}

/** `2d 4h`, `45m`, `0s`. */
export const dur = (ms: number): string => formatDuration(ms);

/** An ISO instant from the report as wall-clock time in the report's timezone: `2026-10-21 04:00`. */
export function local(report: Pick<ComplianceReport, 'timezone'>, isoText: string): string {
  // Targets share most instants (period and day bounds, the evaluation that opened an alarm): looked
  // up by their text before parsing it, as wallClock looks up the formatting. Bounded, cleared when full.
  return remembered(locals, 10_000, `${report.timezone} ${isoText}`, () => {
    const ms = Date.parse(isoText);
    return Number.isFinite(ms) ? wallClock(ms, report.timezone) : '?';
  });
}
const locals = new Map<string, string>();

/** `2026-10-19 00:00 to 2026-10-26 00:00 (Europe/Berlin)`. */
export function span(report: Pick<ComplianceReport, 'timezone'>, p: ReportPeriod): string {
  return `${local(report, p.start)} to ${local(report, p.end)} (${field(report.timezone)})`;
}

/** `env=prod, team=payments`, or `none`. */
export function labelText(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return 'none';
  return truncate(keys.map((k) => `${field(k, 60)}=${field(labels[k] ?? '', 60)}`).join(', '), 300);
}

const DAY_MARK: Record<TargetDay['status'], string> = { completed: '✓', failed: '✗', none: '·' };

/** `✓✓✗·✓✓✓`: one mark per day. */
export const dayStrip = (days: readonly TargetDay[]): string => days.map((d) => DAY_MARK[d.status]).join('');

/** What the day marks mean. */
export const DAY_LEGEND = '✓ completed backup · ✗ only failed backups · · no backup';

/** `Mo` … `Su` for a `YYYY-MM-DD` date. */
export function weekdayShort(date: string): string {
  // Every target's day strip names the same few dates: parsed once each (bounded, cleared when full).
  return remembered(
    weekdays,
    1_000,
    date,
    () => ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'][new Date(`${date}T00:00:00Z`).getUTCDay()] ?? '',
  );
}
const weekdays = new Map<string, string>();

/**
 * `97.2% compliant over 61.0% of the week with evidence`: compliance is a share of the judged time, so
 * it is always said with how much was judged, unless that was all of it; `no evidence` when nothing was.
 */
export function complianceText(compliance: number | null, evidenceCoverage: number, of = 'period'): string {
  if (compliance === null) return NO_EVIDENCE;
  return evidenceCoverage >= 0.9995
    ? `${pct(compliance)} compliant`
    : `${pct(compliance)} compliant over ${pct(evidenceCoverage)} of the ${of} with evidence`;
}

/**
 * `62.3% of the week reconstructed from the provider's listing at 2026-12-02 19:11; backups the provider
 * had already deleted are not in it`: the sentence every human format says of reconstructed evidence.
 */
export function reconstructedText(report: ComplianceReport, r: { share: number; listedAt: string }): string {
  return (
    `${pct(r.share)} of the ${periodNoun(report)} reconstructed from the provider's listing at ${local(report, r.listedAt)}; ` +
    'backups the provider had already deleted are not in it'
  );
}

/** The fleet's reconstructed share, said so a reader knows what it rests on. */
export const reconstructedFleetText = (reconstructedShare: number): string =>
  `${pct(reconstructedShare)} of target-time judged from the providers' listings of the time before the auditor looked`;

/** `week` for an ISO week, else `period`: what "over 61% of the …" says. */
export const periodNoun = (report: Pick<ComplianceReport, 'period'>): string => (report.period.kind === 'week' ? 'week' : 'period');

/** `fleet compliance 80.8% (-16.8 pts)`: the headline numbers. */
export function headlineNumbers(report: ComplianceReport): string {
  const f = report.fleet;
  const changeText = f.complianceChange === null ? '' : ` (${pts(f.complianceChange)})`;
  const alarms = `${f.targetsInAlarm} of ${f.targets} target${f.targets === 1 ? '' : 's'} in alarm`;
  return `${complianceText(f.compliance, f.evidenceCoverage, periodNoun(report))}${changeText}, ${alarms}`;
}

/**
 * The subject of a report message: the heading, then the headline numbers:
 * `Backup compliance · week 43, 2026 · 19–25 Oct: 80.8% compliant (-16.8 pts), 1 of 4 targets in alarm`.
 */
export const reportTitle = (report: ComplianceReport): string => `${reportHeading(report)}: ${headlineNumbers(report)}`;

/** Rows a list section of a human-readable report shows by default; JSON and CSV always have all. */
export const MAX_ROWS = 100;

/**
 * Targets a human-readable report (Markdown, HTML, PDF) details by default, worst first. Past a few
 * hundred cards nobody reads on: a fleet's problems sort to the top, and what follows is compliant
 * targets that the CSV lists sortably. The cut also keeps a 50,000-target HTML report a document a
 * browser and a PDF printer handle (a card is about 3.7 KB). JSON and CSV always carry every target.
 */
export const DETAIL_TARGETS = 250;

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/**
 * The alarms opened or closed in the period, each once, by opening time. Past `max`, the most
 * serious are kept: still open first, then by severity, then the longest.
 */
export function alarmsInPeriod(report: ComplianceReport, max = Number.POSITIVE_INFINITY): { shown: FleetAlarm[]; total: number } {
  const byKey = new Map<string, FleetAlarm>();
  for (const a of [...report.fleet.alarmsOpened, ...report.fleet.alarmsClosed])
    byKey.set(`${a.target}\u0000${a.rule}\u0000${a.openedAt}`, a);
  let all = [...byKey.values()];
  if (all.length > max) {
    all = all
      .sort(
        (a, b) =>
          (a.closedAt === null ? 0 : 1) - (b.closedAt === null ? 0 : 1) ||
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          (b.durationMs ?? 0) - (a.durationMs ?? 0),
      )
      .slice(0, max);
  }
  const shown = all.sort((a, b) => compareText(a.openedAt, b.openedAt) || compareText(a.target, b.target) || compareText(a.rule, b.rule));
  return { shown, total: byKey.size };
}

/** `…and 12 more: see the JSON or CSV report.`, or null when nothing was left out. */
export function moreNote(shown: number, total: number, what: string): string | null {
  return total > shown ? `…and ${total - shown} more ${what}: see the JSON or CSV report.` : null;
}

/**
 * The evidence chain's head as every format prints it, one line: what a copy of the report anchors
 * (`evidence verify --head` checks the stored evidence still holds it).
 */
export function evidenceText(report: Pick<ComplianceReport, 'evidence'>): string {
  const e = report.evidence;
  return e === undefined
    ? 'Evidence chain: no links yet.'
    : `Evidence chain head: link ${e.seq}, ${e.head} (backup-auditor evidence verify --head ${e.head}).`;
}
