import { escapeHtml } from '../notify/render.js';
import { field, pct } from './view.js';

/**
 * The building blocks of the HTML report: inline styles (mail clients drop `<style>` blocks), escaping
 * helpers, and the layout tables, headings and paragraphs every section is made of.
 */

/** The widest the report's column grows on a wide screen; narrower screens and mail panes shrink it. */
export const MAX_WIDTH = 1120;
export const FONT = 'font-family:Arial,Helvetica,sans-serif;';
export const WRAP = 'word-break:break-word;overflow-wrap:anywhere;';
const CELL = 'padding:6px;border-bottom:1px solid #e4e7ec;text-align:left;vertical-align:top;';
// overflow-wrap is inherited from the column: headers break between words only.
const HEAD = `${CELL}background:#f2f4f7;font-weight:bold;font-size:12px;color:#344054;overflow-wrap:normal;word-break:normal;`;
// Names may wrap anywhere (a 120-character id must not widen the mail), but keep a few words' width
// on a phone, where the table scrolls in its box instead; numbers and dates never wrap.
const WRAPPING = `${CELL}${WRAP}min-width:5em;`;
const NOWRAP = `${CELL}white-space:nowrap;`;
const H2 = `${FONT}font-size:17px;margin:24px 0 8px;color:#101828;`;
export const MUTED = 'color:#667085;';
/** Target cards side by side where they fit at 440 px, one under the other on a phone (or where grid is unknown). */
export const CARD_GRID = 'display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr));column-gap:16px;';
/** One card of the grid: may shrink below its content's width, and is not split across printed pages. */
export const CARD_CELL = 'min-width:0;break-inside:avoid;page-break-inside:avoid;';
/** The start of a layout table, before its style. */
export const LAYOUT_TABLE = '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"';

/** Escapes text for element content and quoted attributes. */
export const e = (s: string): string => escapeHtml(s);
/** A name, id or label: cleaned with `field`, then escaped. */
export const name = (s: string): string => e(field(s));

const MUTED_TEXT = 'color:#667085;';

/** Green from 99%, amber from 90%, red below; grey for no evidence, which is neither. */
function tone(share: number | null): string {
  if (share === null) return '#667085';
  return share >= 0.99 ? '#067647' : share >= 0.9 ? '#b54708' : '#b42318';
}

export const badge = (share: number | null): string =>
  `<span style="color:${tone(share)};font-weight:bold;${share === null ? 'font-style:italic;' : ''}">${e(pct(share))}</span>`;

/** Compliance with its evidence coverage (`97.2% over 61.0% of the period with evidence`), coloured. */
export function complianceBadge(compliance: number | null, evidenceCoverage: number, of: string): string {
  if (compliance === null || evidenceCoverage >= 0.9995) return badge(compliance);
  return `${badge(compliance)} <span style="${MUTED_TEXT}">over ${e(pct(evidenceCoverage))} of the ${e(of)} with evidence</span>`;
}

/** A data table: header cells and rows of already-escaped HTML; the columns in `wrap` hold names, the others numbers. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], wrap: readonly number[] = [0]): string {
  const th = head.map((h) => `<th style="${HEAD}">${h}</th>`).join('');
  const trs = rows
    .map((r) => `<tr>${r.map((c, i) => `<td style="${wrap.includes(i) ? WRAPPING : NOWRAP}">${c}</td>`).join('')}</tr>`)
    .join('\n');
  // In its own scroll box: a table that cannot shrink to a phone's width scrolls there, not the page.
  return `<div style="overflow-x:auto;max-width:100%;">
${LAYOUT_TABLE} style="border-collapse:collapse;${FONT}font-size:13px;table-layout:auto;">
<tr>${th}</tr>
${trs}
</table></div>`;
}

export const h2 = (text: string): string => `<h2 style="${H2}">${text}</h2>`;
export const para = (html: string): string => `<p style="${FONT}margin:6px 0;font-size:13px;">${html}</p>`;

const PAGE_BOX = 'border-collapse:collapse;table-layout:fixed;';
const COLUMN = `max-width:${MAX_WIDTH}px;${PAGE_BOX}background:#ffffff;border:1px solid #e4e7ec;text-align:left;`;

/**
 * The whole document around the report's parts: a grey page, and on it one white column of at most
 * MAX_WIDTH px. Its layout tables are fixed, so the column follows the screen and not its content:
 * whatever is wider (a table) scrolls in its own box, never the page. `title` is escaped already.
 */
export function htmlPage(title: string, parts: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title></head>
<body style="margin:0;padding:0;background:#f9fafb;">
${LAYOUT_TABLE} style="${PAGE_BOX}background:#f9fafb;"><tr><td align="center" style="padding:12px 4px;">
${LAYOUT_TABLE} style="${COLUMN}">
<tr><td style="padding:16px 12px;${FONT}font-size:14px;color:#101828;${WRAP}">
${parts.join('\n')}
</td></tr></table>
</td></tr></table>
</body></html>
`;
}
