import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderMarkdown } from './render-md.js';
import type { ComplianceReport } from './types.js';

/** The output formats of `report --format`. */
export const REPORT_FORMATS = ['md', 'html', 'json', 'csv'] as const;
/** One of REPORT_FORMATS. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, (report: ComplianceReport) => string> = {
  md: (r) => renderMarkdown(r),
  html: (r) => renderHtml(r),
  json: renderJson,
  csv: renderCsv,
};

/** Renders a report in one format. */
export function renderReport(report: ComplianceReport, format: ReportFormat): string {
  return RENDERERS[format](report);
}

/** The format a file name implies (`weekly.html` → html), if any. */
export function formatOfFile(path: string): ReportFormat | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'md' || ext === 'markdown' || ext === 'txt') return 'md';
  if (ext === 'html' || ext === 'htm') return 'html';
  return ext === 'json' || ext === 'csv' ? ext : undefined;
}
