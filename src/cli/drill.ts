import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { deliverDue } from '../../jobs/cycle.js';
import { createDeps } from '../../jobs/deps.js';
import { configSnapshotHash } from '../config/snapshot.js';
import { type Clock, iso, systemClock } from '../core/clock.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { instantArg } from '../core/time.js';
import { closeDatabase, type Db, openDatabase } from '../db/client.js';
import { type Drill, drillJson, listDrills, type RecordOutcome, recordDrill } from '../db/drills.js';
import { chainConfig } from '../db/evidence.js';
import { readTargetFindings } from '../db/findings.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { DRILL_RESULTS, drillInput } from '../domain/drill.js';
import { evaluateTargets } from '../engine/evaluate.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';
import { logger } from './logger.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

interface RecordOptions {
  target: string;
  backup?: string;
  result: string;
  at: string;
  duration?: string;
  note?: string;
  evidence?: string;
  id?: string;
}

/** The option each field of a drill comes from, so a problem names what the user typed. */
const OPTION_OF: Readonly<Record<string, string>> = {
  id: '--id',
  target: '--target',
  backupId: '--backup',
  result: '--result',
  at: '--at',
  durationMs: '--duration',
  note: '--note',
  evidenceUrl: '--evidence',
};

/** `drill record|list`: restore drills on record, which the `restore-drill` rule judges. */
export function drillCommand(program: Command, io: CliIO, run: Run, clock: Clock = systemClock): void {
  const drill = program.command('drill').description('restore drills: record that a backup was restored and checked, list them');

  drill
    .command('record')
    .description('record a restore drill; its target is evaluated at once (times without an offset are in the config timezone)')
    .requiredOption('--target <id>', 'the target whose backup was restored')
    .option('--backup <id>', 'the backup that was restored')
    .requiredOption('--result <result>', `how it went: ${DRILL_RESULTS.join(' or ')}`)
    .requiredOption('--at <instant>', 'when the drill took place (2026-11-17T09:00Z or "2026-11-17 09:00")')
    .option('--duration <duration>', 'how long the restore took (42m, 2h, PT1H30M)')
    .option('--note <text>', 'what was done or what went wrong')
    .option('--evidence <url>', 'an http(s) link to the evidence (ticket, log, runbook run)')
    .option('--id <key>', 'an idempotency key: recording the same key again changes nothing (default: generated)')
    .action((o: RecordOptions) =>
      run(async () => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const now = clock();
        const problems: string[] = [];
        const at = instantArg(loaded.config.timezone, now).safeParse(o.at);
        if (!at.success) problems.push(`--at: ${at.error.issues[0]?.message ?? 'not an instant'}`);
        const durationMs = o.duration === undefined ? undefined : parseDuration(o.duration);
        if (durationMs === null) problems.push(`--duration: "${o.duration}" is not a duration (e.g. 42m, 2h, PT1H30M)`);
        const input = drillInput.safeParse({
          id: o.id,
          target: o.target,
          backupId: o.backup,
          result: o.result,
          at: at.success ? at.data : 0,
          durationMs: durationMs ?? undefined,
          note: o.note,
          evidenceUrl: o.evidence,
        });
        if (!input.success)
          for (const i of input.error.issues) problems.push(`${OPTION_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
        if (problems.length > 0 || !input.success) {
          for (const p of problems) println(io.stderr, p);
          return EXIT.usage;
        }
        const db = openDatabase(loaded.databasePath);
        try {
          chainConfig(db, configSnapshotHash(loaded), now);
          const effective = withAutoTargets(loaded, db, now);
          const targets = effective.config.targets.map((t) => t.id);
          if (!targets.includes(o.target)) {
            println(io.stderr, `--target: unknown target "${o.target}"; configured: ${targets.join(', ')}`);
            return EXIT.usage;
          }
          const outcome = recordDrill(db, input.data, { now, source: 'cli' });
          println(outcome.kind === 'conflict' ? io.stderr : io.stdout, outcomeText(outcome));
          if (outcome.kind === 'conflict') return EXIT.usage;
          // The drill may resolve (or raise) restore-drill: judge the target now rather than at the next evaluation.
          const deps = createDeps({ db, loaded: effective, log: logger(io) });
          evaluateTargets(deps, { targetIds: [o.target], now });
          await deliverDue(deps, { flush: true });
          const finding = readTargetFindings(db, o.target).get('restore-drill');
          if (finding) println(io.stdout, `restore-drill: ${finding.state}: ${finding.reason}`);
          return EXIT.compliant;
        } finally {
          closeDatabase(db);
        }
      }),
    );

  drill
    .command('list')
    .description('list recorded restore drills, newest first')
    .option('--target <id>', 'only this target')
    .option('--json', 'print one JSON array')
    .action((o: { target?: string; json?: boolean }) =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const drills = existsSync(loaded.databasePath) ? withDb(loaded.databasePath, (db) => listDrills(db, o.target)) : [];
        if (o.json) println(io.stdout, JSON.stringify(drills.map(drillJson), null, 2));
        else if (drills.length === 0) println(io.stdout, o.target ? `no drills recorded for ${o.target}` : 'no drills recorded');
        else for (const d of drills) println(io.stdout, drillLine(d));
        return EXIT.compliant;
      }),
    );
}

function withDb<T>(path: string, fn: (db: Db) => T): T {
  const db = openDatabase(path, { migrate: false });
  try {
    return fn(db);
  } finally {
    closeDatabase(db);
  }
}

/** `2026-11-17T09:00:00.000Z  orders-db  ok      42m  drill-1  restored to staging`, control characters blanked. */
function drillLine(d: Drill): string {
  const took = d.durationMs === null ? '-' : formatDuration(d.durationMs);
  const extra = [d.backupId && `backup ${d.backupId}`, d.note, d.evidenceUrl].filter(Boolean).join('; ');
  return `${iso(d.at)}  ${d.targetId}  ${d.result.padEnd(6)}  ${took.padEnd(7)}  ${d.id}${extra ? `  ${extra}` : ''}`.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    ' ',
  );
}

function outcomeText(o: RecordOutcome): string {
  const d = o.drill;
  if (o.kind === 'conflict')
    return `--id: drill ${d.id} is already recorded with other content (${o.fields.join(', ')} differ); nothing changed, use another --id`;
  if (o.kind === 'repeat') return `drill ${d.id} was already recorded with the same content; nothing changed`;
  const took = d.durationMs === null ? '' : `, took ${formatDuration(d.durationMs)}`;
  return `drill ${d.id} recorded: ${d.targetId} ${d.result} at ${iso(d.at)}${took}`;
}
