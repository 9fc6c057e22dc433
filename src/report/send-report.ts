import { type SendDeps, type SentOutcome, sendDigest } from '../notify/send.js';
import type { Digest, ReportMessage } from '../notify/types.js';
import { renderHtml } from './render-html.js';
import { reportData } from './render-json.js';
import { renderMarkdown } from './render-md.js';
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

/**
 * Sends a report to each channel (the config's `report.channels` by default) through the channel's
 * notifier, one after the other, and says how each went. Never throws: a channel's failure is its
 * outcome (permanent or not, with the notifier's secret-free message) and does not stop the others.
 */
export async function sendReport(
  deps: SendDeps,
  report: ComplianceReport,
  channels: readonly string[] = deps.loaded.config.report.channels,
): Promise<ReportDelivery[]> {
  const message = reportMessage(report);
  const out: ReportDelivery[] = [];
  for (const channel of channels) {
    const digest: Digest = { channel, items: [], createdAt: deps.clock(), report: message };
    out.push({ channel, outcome: await sendDigest(deps, digest) });
  }
  return out;
}
