import { escapeHtml } from '../notify/render.js';
import { remembered } from './memo.js';
import { shortDate } from './title.js';
import type { TargetDay } from './types.js';
import type { FleetDay } from './types-fleet.js';
import { pct, weekdayShort } from './view.js';

/**
 * Inline SVG charts for the HTML report: plain shapes and text, no scripts, styles, fonts, links or
 * images to fetch. Every chart is drawn 560 px wide at most, whatever the number of days, and shrinks
 * with its viewBox on a narrower screen (`max-width:100%`). All text inside is produced here (dates,
 * percentages) and still escaped.
 */

/** The widest a chart is drawn. */
export const CHART_WIDTH = 560;

/** Fill colours of a day cell, chosen to stay distinguishable for the common colour-vision deficiencies (with the marks in the legend). */
export const DAY_COLOR: Record<TargetDay['status'], string> = { completed: '#12b76a', failed: '#d92d20', none: '#d0d5dd' };

const DAY_WORD: Record<TargetDay['status'], string> = { completed: 'completed backup', failed: 'only failed backups', none: 'no backup' };

/** The attributes of every label in a chart. */
const LABEL_FONT = 'font-family="Arial,Helvetica,sans-serif" font-size="10" fill="#475467"';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** `Mon` for a `YYYY-MM-DD` date (bounded memo: every target's chart names the same few dates). */
const weekday = (date: string): string =>
  remembered(weekdayNames, 1_000, date, () => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? date);
const weekdayNames = new Map<string, string>();

/**
 * A chart's data in words, for its `<title>` and `aria-label`: `Mon 99.2%, Tue–Wed no evidence, …`.
 * Days are weekdays up to a week, dates (`9 Nov`) beyond; a run of days with the same value is one entry.
 */
export function daysInWords(days: readonly { readonly date: string }[], say: (i: number) => string): string {
  const dayName = days.length <= 7 ? weekday : shortDate;
  const out: string[] = [];
  for (let i = 0; i < days.length; ) {
    const value = say(i);
    let j = i;
    while (j + 1 < days.length && say(j + 1) === value) j++;
    const first = dayName(days[i]?.date ?? '');
    out.push(`${j === i ? first : `${first}–${dayName(days[j]?.date ?? '')}`} ${value}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** The opening tag of a chart: an image whose accessible name (and tooltip) states its data. */
function svgOpen(width: number, height: number, text: string): string {
  const safe = escapeHtml(text);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
    `aria-label="${safe}" style="display:block;max-width:100%;height:auto;"><title>${safe}</title>`
  );
}

/** Cell width and gap for `n` days: roomy for a week, shrinking for long ranges. */
function cells(n: number): { width: number; gap: number } {
  if (n <= 14) return { width: 28, gap: 4 };
  const step = Math.max(2, Math.floor(CHART_WIDTH / Math.max(1, n)));
  return { width: Math.max(1, step - 1), gap: step - Math.max(1, step - 1) };
}

/** One cell per day: completed / failed / none, with weekday labels for up to two weeks. */
export function dayCellsSvg(days: readonly TargetDay[], caption: string): string {
  const { width, gap } = cells(days.length);
  const labelled = days.length <= 14;
  const height = labelled ? 36 : 22;
  const total = Math.max(1, days.length * (width + gap) - gap);
  const parts = days.map((d, i) => {
    const x = i * (width + gap);
    // A day known only from the provider's first listing is outlined dashed: reconstructed, not observed.
    const rebuilt = d.reconstructed >= 0.5;
    const title =
      `${d.date}: ${DAY_WORD[d.status]} (${d.completed} completed, ${d.failed} failed)` +
      (rebuilt ? ', reconstructed from the provider listing' : '');
    const outline = rebuilt ? ' stroke="#475467" stroke-width="1.5" stroke-dasharray="3 2"' : '';
    const rect =
      `<rect x="${x}" y="0" width="${width}" height="20" rx="3" fill="${DAY_COLOR[d.status]}"${outline}>` +
      `<title>${escapeHtml(title)}</title></rect>`;
    const label = labelled
      ? `<text x="${x + width / 2}" y="33" ${LABEL_FONT} text-anchor="middle">${escapeHtml(weekdayShort(d.date))}</text>`
      : '';
    return rect + label;
  });
  const words = daysInWords(days, (i) => DAY_WORD[days[i]?.status ?? 'none']);
  return `${svgOpen(total, height, `${caption}: ${words}`)}${parts.join('')}</svg>`;
}

/** Bar colour of a day's fleet compliance; grey when nothing was judged that day. */
function barColor(share: number | null): string {
  if (share === null) return '#d0d5dd';
  return share >= 0.99 ? '#12b76a' : share >= 0.9 ? '#f79009' : '#d92d20';
}

/** The fleet's daily compliance as bars on a 0–100% axis, with values and weekdays for up to two weeks. */
export function fleetTrendSvg(days: readonly FleetDay[]): string {
  const left = 36;
  const top = 14;
  const plot = 110;
  const labelled = days.length <= 14;
  const height = top + plot + (labelled ? 20 : 6);
  const slot = (CHART_WIDTH - left) / Math.max(1, days.length);
  const bar = Math.max(1, Math.min(40, slot * 0.7));
  const y = (share: number) => top + plot * (1 - share);
  const grid = [0, 0.5, 1]
    .map(
      (g) =>
        `<line x1="${left}" y1="${y(g)}" x2="${CHART_WIDTH}" y2="${y(g)}" stroke="#e4e7ec" stroke-width="1"/>` +
        `<text x="${left - 4}" y="${y(g) + 3}" ${LABEL_FONT} text-anchor="end">${g * 100}%</text>`,
    )
    .join('');
  const bars = days
    .map((d, i) => {
      const x = left + i * slot + (slot - bar) / 2;
      // A day nobody could judge is a full grey bar marked `no evidence`: never an empty (0%) one, and
      // outlined in dashes so it reads apart from a red (non-compliant) bar in grey print too.
      const h = d.compliance === null ? plot : Math.max(1, plot * d.compliance);
      // A day judged mostly from the providers' listings is drawn pale with a dashed outline, as the
      // target day cells are: reconstructed, not observed.
      const rebuilt = d.compliance !== null && d.reconstructed >= 0.5;
      const mark =
        d.compliance === null
          ? ' stroke="#667085" stroke-dasharray="4 3"'
          : rebuilt
            ? ' fill-opacity="0.45" stroke="#475467" stroke-width="1.5" stroke-dasharray="3 2"'
            : '';
      const rebuiltNote = d.reconstructed > 0 ? `, ${pct(d.reconstructed)} of it reconstructed from provider listings` : '';
      const title =
        d.compliance === null
          ? `${d.date}: no evidence`
          : `${d.date}: ${pct(d.compliance)} compliant, evidence for ${pct(d.evidenceCoverage)} of the day${rebuiltNote}`;
      const rect =
        `<rect x="${x.toFixed(1)}" y="${(top + plot - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" ` +
        `fill="${barColor(d.compliance)}"${mark}><title>${escapeHtml(title)}</title></rect>`;
      if (!labelled) return rect;
      const cx = (x + bar / 2).toFixed(1);
      return (
        rect +
        `<text x="${cx}" y="${(top + plot - h - 3).toFixed(1)}" ${LABEL_FONT} text-anchor="middle">` +
        `${escapeHtml(d.compliance === null ? 'n/a' : pct(d.compliance))}</text>` +
        `<text x="${cx}" y="${top + plot + 14}" ${LABEL_FONT} text-anchor="middle">${escapeHtml(weekdayShort(d.date))}</text>`
      );
    })
    .join('');
  const words = daysInWords(days, (i) => {
    const d = days[i];
    return d && d.compliance !== null && d.reconstructed >= 0.5 ? `${pct(d.compliance)} reconstructed` : pct(d?.compliance ?? null);
  });
  return `${svgOpen(CHART_WIDTH, height, `Fleet compliance per day: ${words}`)}${grid}${bars}</svg>`;
}
