import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderJson, renderJsonChunks } from './render-json.js';
import { renderMarkdown } from './render-md.js';
import type { ComplianceReport } from './types.js';

/** The output formats of `report --format`; pdf is the HTML printed by Chromium (render-pdf.ts), a binary file. */
export const REPORT_FORMATS = ['md', 'html', 'json', 'csv', 'pdf'] as const;
/** One of REPORT_FORMATS. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** The formats rendered here, as text. */
export type TextFormat = Exclude<ReportFormat, 'pdf'>;

const RENDERERS: Record<TextFormat, (report: ComplianceReport) => string> = {
  md: (r) => renderMarkdown(r),
  html: (r) => renderHtml(r),
  json: renderJson,
  csv: renderCsv,
};

/** Renders a report in one text format as pieces to write one after another: JSON target by target, others whole. */
export function renderReportChunks(report: ComplianceReport, format: TextFormat): Iterable<string> {
  return format === 'json' ? renderJsonChunks(report) : [renderReport(report, format)];
}

/** Renders a report in one text format. */
export function renderReport(report: ComplianceReport, format: TextFormat): string {
  return RENDERERS[format](report);
}

/** The format a file name implies (`weekly.html` → html), if any. */
export function formatOfFile(path: string): ReportFormat | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'md' || ext === 'markdown' || ext === 'txt') return 'md';
  if (ext === 'html' || ext === 'htm') return 'html';
  return ext === 'json' || ext === 'csv' || ext === 'pdf' ? ext : undefined;
}
