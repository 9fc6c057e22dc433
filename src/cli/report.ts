import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { createDeps } from '../../jobs/deps.js';
import type { LoadedConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { signBytes } from '../core/signature.js';
import { parseInstant } from '../core/time.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { sealOpenRuns } from '../db/poll-runs.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { reconstructTarget } from '../engine/reconstruct.js';
import { buildReport } from '../report/build.js';
import { formatOfFile, REPORT_FORMATS, type ReportFormat, renderReportChunks } from '../report/formats.js';
import { lastCompleteWeek, MAX_PERIOD_DAYS, type Period, parseIsoWeek, rangePeriod, wallClock, weekPeriod } from '../report/period.js';
import { renderHtml } from '../report/render-html.js';
import { findChromium, renderPdf } from '../report/render-pdf.js';
import { sendReport } from '../report/send-report.js';
import type { ComplianceReport } from '../report/types.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';
import { logger } from './logger.js';

/** `report`'s options as commander hands them over: untrusted strings, checked by `reportArgs`. */
const rawOptions = z.object({
  week: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  format: z.string().optional(),
  out: z.string().optional(),
  send: z.boolean().optional(),
  reconstruct: z.boolean().optional(),
  sign: z.boolean().optional(),
});

/** What a valid `report` invocation asks for. */
export interface ReportArgs {
  readonly period: Period;
  readonly format: ReportFormat;
  /** Whether --format was given (with --send, only then is the report also printed). */
  readonly formatGiven: boolean;
  readonly out: string | undefined;
  readonly send: boolean;
  /** Reconstruct every target's time before its first poll from its first listing before computing. */
  readonly reconstruct: boolean;
  /** `--sign`: write `<out>.sig` (also done whenever the config has `evidence.signingKey`). */
  readonly sign: boolean;
}

/**
 * The zod schema of `report`'s options for a timezone and instant: `--week` xor `--from`+`--to`
 * (default: the last complete ISO week), only finished periods of at most a year, a known format
 * (given, or implied by the `--out` file's extension). Issues carry the option as their path.
 */
export function reportArgs(timeZone: string, now: number) {
  return rawOptions.transform((o, ctx): ReportArgs => {
    const fail = (option: string, message: string): typeof z.NEVER => {
      ctx.addIssue({ code: 'custom', path: [option], message });
      return z.NEVER;
    };
    if (o.week !== undefined && (o.from !== undefined || o.to !== undefined))
      return fail('week', 'give either --week or --from and --to, not both');
    if ((o.from === undefined) !== (o.to === undefined))
      return fail(o.from === undefined ? 'from' : 'to', '--from and --to must be given together');
    const format = o.format ?? (o.out === undefined ? undefined : formatOfFile(o.out)) ?? 'md';
    if (!(REPORT_FORMATS as readonly string[]).includes(format))
      return fail('format', `"${o.format}" is not a format: use ${REPORT_FORMATS.join(', ')}`);
    if (o.out !== undefined && o.out.trim() === '') return fail('out', 'needs a file name');
    if (format === 'pdf' && o.out === undefined) return fail('format', 'pdf is a binary file: give --out FILE');
    if (o.sign && o.out === undefined) return fail('sign', 'the signature goes beside the report file: give --out FILE');
    let period: Period;
    if (o.week !== undefined) {
      const week = parseIsoWeek(o.week);
      if ('problem' in week) return fail('week', week.problem);
      period = weekPeriod(week, timeZone);
      if (period.end > now)
        return fail('week', `${period.label} has not ended yet: it ends ${wallClock(period.end, timeZone)} (${timeZone})`);
    } else if (o.from !== undefined && o.to !== undefined) {
      const instant = (option: 'from' | 'to', text: string): number | null => {
        const ms = parseInstant(text, timeZone);
        if (ms === null)
          fail(option, `"${text}" is not an instant: use 2026-11-17T09:00Z, 2026-11-17T09:00+01:00 or 2026-11-17 09:00 (${timeZone})`);
        return ms;
      };
      const from = instant('from', o.from);
      const to = instant('to', o.to);
      if (from === null || to === null) return z.NEVER;
      if (to <= from) return fail('to', 'must be after --from');
      if (to > now) return fail('to', `"${o.to}" is in the future; a report covers only what has happened`);
      if (to - from > MAX_PERIOD_DAYS * 86_400_000) return fail('to', `the period may be at most ${MAX_PERIOD_DAYS} days long`);
      period = rangePeriod(from, to, timeZone);
    } else period = lastCompleteWeek(now, timeZone);
    return {
      period,
      format: format as ReportFormat,
      formatGiven: o.format !== undefined,
      out: o.out,
      send: o.send === true,
      reconstruct: o.reconstruct === true,
      sign: o.sign === true,
    };
  });
}

/** `report [--week W | --from I --to I] [--format F] [--out FILE [--sign]] [--send]`. */
export function reportCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('report')
    .description(
      'the compliance report for an ISO week or a period (default: the last complete week), as md, html, json, csv or pdf; ' +
        '--send delivers it',
    )
    .option('--week <YYYY-Www>', 'an ISO week in the config timezone, e.g. 2026-W47')
    .option('--from <instant>', 'period start (ISO-8601, or wall-clock time in the config timezone); needs --to')
    .option('--to <instant>', 'period end, exclusive; needs --from')
    .option('--format <format>', `${REPORT_FORMATS.join(', ')} (default: from the --out extension, else md; pdf needs --out and Chromium)`)
    .option('--out <file>', 'write the report to FILE instead of stdout')
    .option('--send', 'also deliver it to report.channels (email: HTML with a text part; Slack: a summary), even if already sent')
    .option('--sign', 'write an Ed25519 signature of the --out file to <out>.sig (automatic when the config has evidence.signingKey)')
    .option('--reconstruct', "first reconstruct each target's time before its first poll from that poll's listing (writes the database)")
    .action((opts: unknown) => run(() => runReport(opts, program.opts<GlobalOptions>(), io)));
}

async function runReport(opts: unknown, global: GlobalOptions, io: CliIO): Promise<number> {
  // The report reads the database only; provider secrets are not needed, and a channel's missing secret is reported as
  // its delivery failure.
  const loaded = loadConfig(global, io, { checkSecrets: false });
  const now = systemClock();
  const parsed = reportArgs(loaded.config.timezone, now).safeParse(opts);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      println(io.stderr, `report: ${issue.path.length > 0 ? `--${String(issue.path[0])}: ` : ''}${issue.message}`);
    return EXIT.usage;
  }
  const args = parsed.data;
  if (args.send && loaded.config.report.channels.length === 0) {
    println(io.stderr, 'report: --send: report.channels in the config is empty; add the channels the report goes to');
    return EXIT.usage;
  }
  if (!existsSync(loaded.databasePath)) {
    println(io.stderr, `report: no database yet at ${loaded.databasePath}: run \`backup-auditor run-once\` or start the daemon first`);
    return EXIT.runtime;
  }
  const signingKey = loaded.config.evidence?.signingKey;
  if (args.sign && signingKey === undefined) {
    println(io.stderr, 'report: --sign: the config has no evidence.signingKey (e.g. `evidence: { signingKey: { file: signing.pem } }`)');
    return EXIT.usage;
  }
  const output = renderer(args.format, loaded, io);
  if ('problem' in output) {
    println(io.stderr, `report: --format pdf: ${output.problem}`);
    return EXIT.runtime;
  }
  const db = openDatabase(loaded.databasePath);
  try {
    const deps = createDeps({ db, loaded, log: logger(io) });
    if (args.reconstruct) {
      const { config } = withAutoTargets(loaded, db, now);
      const changes = config.targets.reduce((n, t, i) => n + reconstructTarget({ ...deps, loaded: { ...loaded, config } }, t, i), 0);
      println(io.stderr, `report: reconstructed ${config.targets.length} targets' time before their first poll (${changes} changes)`);
    }
    sealOpenRuns(db); // so the head the report prints covers every poll so far
    const report = buildReport(deps, args.period, now);
    if (args.out !== undefined) {
      const path = resolve(io.cwd, args.out);
      writeAtomically(path, await output.render(report));
      if (signingKey !== undefined) {
        const where = 'evidence.signingKey';
        writeAtomically(`${path}.sig`, [`${signBytes(loaded.secret(signingKey, where), readFileSync(path), where)}\n`]);
      }
    } else if (!args.send || args.formatGiven) await writeOut(io.stdout, await output.render(report));
    if (!args.send) return EXIT.compliant;
    let failed = 0;
    for (const { channel, outcome } of await sendReport(deps, report)) {
      if (outcome.ok) println(io.stdout, `report ${report.period.label} sent to ${channel}`);
      else {
        failed++;
        println(
          io.stderr,
          `report ${report.period.label}: ${channel} failed: ` +
            `${outcome.message} (${outcome.permanent ? 'permanent' : 'transient: try again later'})`,
        );
      }
    }
    return failed > 0 ? EXIT.runtime : EXIT.compliant;
  } finally {
    closeDatabase(db);
  }
}

/** How `--format` renders: a text format directly, pdf through the Chromium of the config or PATH (or why it cannot). */
function renderer(
  format: ReportFormat,
  loaded: LoadedConfig,
  io: CliIO,
): { render(report: ComplianceReport): Promise<Iterable<string> | Uint8Array> } | { problem: string } {
  if (format !== 'pdf') return { render: async (report) => renderReportChunks(report, format) };
  const found = findChromium(loaded.config.report.chromium, { baseDir: loaded.baseDir, env: io.env });
  return 'problem' in found ? found : { render: (report) => renderPdf(renderHtml(report), found.path) };
}

/** Writes through a temporary file in the same folder, so a reader never sees half a report; text piece by piece. */
function writeAtomically(path: string, content: Iterable<string> | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      if (content instanceof Uint8Array) writeSync(fd, content);
      else for (const chunk of content) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write the report to ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Writes to stdout piece by piece, waiting when the pipe is full rather than buffering a whole fleet report. */
async function writeOut(out: NodeJS.WritableStream, content: Iterable<string> | Uint8Array): Promise<void> {
  for (const chunk of content instanceof Uint8Array ? [content] : content) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}
