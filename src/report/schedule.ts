import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AuditorError, DeliveryError } from '../core/errors.js';
import { sealOpenRuns } from '../db/poll-runs.js';
import { claimReport, markReportFailed, markReportSent, releaseReport, reportLockKey } from '../db/report-locks.js';
import type { SendDeps } from '../notify/send.js';
import { buildReport, type ReportDeps } from './build.js';
import { lastCompleteWeek, type Period, parseIsoWeek, weekPeriod } from './period.js';
import { type ReportDelivery, sendReport } from './send-report.js';

/** How long a claim holds before another daemon may take over from a holder that died mid-send. */
export const REPORT_LEASE_MS = 10 * 60_000;

/** What one run did, per channel. */
export interface ScheduledReportResult {
  /** The week reported, `2026-W47`. */
  readonly period: string;
  readonly sent: readonly string[];
  /** Channels another run (or daemon) had already claimed for this week. */
  readonly skipped: readonly string[];
  readonly failed: readonly { readonly channel: string; readonly permanent: boolean; readonly message: string }[];
}

/** The week a scheduled run reports on: `period` when given (`2026-W47`), else the last complete ISO week before `now`. */
export function scheduledPeriod(now: number, timeZone: string, period?: string): Period {
  if (period === undefined) return lastCompleteWeek(now, timeZone);
  const week = parseIsoWeek(period);
  if ('problem' in week) throw new AuditorError('report', `report period ${week.problem}`, { permanent: true });
  const p = weekPeriod(week, timeZone);
  if (p.end > now) throw new AuditorError('report', `report period ${p.label} has not ended yet`, { permanent: true });
  return p;
}

/**
 * The scheduled weekly report: computes the last complete week (or `opts.period`), claims it per
 * channel of `report.channels` in the database, and sends it to the channels it won. Safe to run any
 * number of times and on any number of daemons: each (week, channel) is sent once. Throws a transient
 * DeliveryError when a channel failed in a way a retry may fix (its claim is released first, so the
 * retry sends only there), and a permanent one when every failure was permanent (recorded, not retried).
 */
export async function runScheduledReport(
  deps: ReportDeps & SendDeps,
  now: number,
  opts: { period?: string } = {},
): Promise<ScheduledReportResult> {
  const { config } = deps.loaded;
  const period = scheduledPeriod(now, config.timezone, opts.period);
  const channels = config.report.channels;
  if (channels.length === 0) {
    deps.log.info({ period: period.label }, 'no report channels configured; scheduled report not sent');
    return { period: period.label, sent: [], skipped: [], failed: [] };
  }
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const key = (channel: string) => reportLockKey(period.label, channel);
  const claimed = channels.filter((ch) => claimReport(deps.db, key(ch), owner, deps.clock(), REPORT_LEASE_MS));
  const skipped = channels.filter((ch) => !claimed.includes(ch));
  if (claimed.length === 0) {
    deps.log.info({ period: period.label }, 'scheduled report already claimed for every channel; nothing to send');
    return { period: period.label, sent: [], skipped, failed: [] };
  }
  let deliveries: ReportDelivery[];
  try {
    // The head the report prints then covers every poll so far, the open runs' too.
    sealOpenRuns(deps.db);
    deliveries = await sendReport(deps, buildReport(deps, period, now), claimed);
  } catch (err) {
    // Computing failed (database trouble): give every claim back, or the retry would find them held.
    for (const ch of claimed) releaseReport(deps.db, key(ch), owner);
    throw err;
  }
  const sent: string[] = [];
  const failed: { channel: string; permanent: boolean; message: string }[] = [];
  for (const { channel, outcome } of deliveries) {
    if (outcome.ok) {
      markReportSent(deps.db, key(channel), owner, deps.clock());
      sent.push(channel);
    } else {
      if (outcome.permanent) markReportFailed(deps.db, key(channel), owner, deps.clock(), outcome.message);
      else releaseReport(deps.db, key(channel), owner);
      failed.push({ channel, permanent: outcome.permanent, message: outcome.message });
    }
  }
  const result = { period: period.label, sent, skipped, failed };
  deps.log.info({ period: period.label, sent, skipped, failed: failed.map((f) => f.channel) }, 'scheduled report');
  if (failed.length > 0) {
    const permanent = failed.every((f) => f.permanent);
    throw new DeliveryError(`report ${period.label}: ${failed.map((f) => `${f.channel}: ${f.message}`).join('; ')}`, {
      permanent,
      cause: result,
    });
  }
  return result;
}
