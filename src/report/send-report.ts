import { errorMessage } from '../core/errors.js';
import { type SendDeps, type SentOutcome, sendDigest } from '../notify/send.js';
import type { Digest, ReportMessage } from '../notify/types.js';
import { renderHtml } from './render-html.js';
import { reportData } from './render-json.js';
import { renderMarkdown } from './render-md.js';
import { findChromium, renderPdf } from './render-pdf.js';
import { reportSlack } from './render-slack.js';
import type { ComplianceReport } from './types.js';
import { reportTitle } from './view.js';

/** Targets shown in detail in a report email; the rest are counted and left to JSON/CSV, so a large fleet's mail stays small. */
export const EMAIL_DETAIL_TARGETS = 50;
/** Rows of each fleet list (groups, alarms, blind targets) in a report email. */
export const EMAIL_LIST_ROWS = 25;

/** How one channel took a report. */
export interface ReportDelivery {
  readonly channel: string;
  readonly outcome: SentOutcome;
}

/**
 * Renders a report once for every kind of channel: the subject names the period and the fleet's
 * compliance; email gets HTML with a plain-text part; Slack a summary with the worst offenders;
 * a webhook the JSON document.
 */
export function reportMessage(report: ComplianceReport): ReportMessage {
  return {
    subject: reportTitle(report),
    text: renderMarkdown(report, { plain: true, maxTargets: EMAIL_DETAIL_TARGETS, maxRows: EMAIL_LIST_ROWS }),
    html: renderHtml(report, { maxTargets: EMAIL_DETAIL_TARGETS, maxRows: EMAIL_LIST_ROWS }),
    slack: reportSlack(report),
    json: reportData(report),
  };
}

/** `report-2026-W47.pdf`: the attachment's name, safe as a file name whatever the label. */
export const pdfFilename = (label: string): string => `report-${label.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;

/**
 * The message with the email's HTML printed to PDF and attached, when `report.attachPdf` asks and an
 * email channel is among `channels`. Never throws: without Chromium, or when it fails, the report goes
 * out as it is, and the log says why.
 */
async function withPdf(deps: SendDeps, label: string, message: ReportMessage, channels: readonly string[]): Promise<ReportMessage> {
  const { config } = deps.loaded;
  if (!config.report.attachPdf || !channels.some((ch) => config.channels[ch]?.type === 'email')) return message;
  const without = (reason: string): ReportMessage => {
    deps.log.warn({ period: label, reason }, `report ${label} goes out without its PDF attachment: ${reason}`);
    return message;
  };
  const chromium = findChromium(config.report.chromium, { baseDir: deps.loaded.baseDir, env: process.env });
  if ('problem' in chromium) return without(chromium.problem);
  try {
    return { ...message, pdf: { filename: pdfFilename(label), content: await renderPdf(message.html, chromium.path) } };
  } catch (err) {
    return without(errorMessage(err));
  }
}

/**
 * Sends a report to each channel (the config's `report.channels` by default) through the channel's
 * notifier, one after the other, and says how each went; email also gets the PDF when
 * `report.attachPdf` asks. Never throws: a channel's failure is its outcome (permanent or not, with
 * the notifier's secret-free message) and does not stop the others.
 */
export async function sendReport(
  deps: SendDeps,
  report: ComplianceReport,
  channels: readonly string[] = deps.loaded.config.report.channels,
): Promise<ReportDelivery[]> {
  const message = await withPdf(deps, report.period.label, reportMessage(report), channels);
  const out: ReportDelivery[] = [];
  for (const channel of channels) {
    const digest: Digest = { channel, items: [], createdAt: deps.clock(), report: message };
    out.push({ channel, outcome: await sendDigest(deps, digest) });
  }
  return out;
}
