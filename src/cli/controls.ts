import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { rules } from '../../rules/registry.js';
import { frameworks } from '../controls/registry.js';
import { type Clock, systemClock } from '../core/clock.js';
import { plainData } from '../core/text.js';
import { closeDatabase, openDatabase, readTransaction } from '../db/client.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { judgeControls } from '../report/controls.js';
import type { ControlsReport } from '../report/types-controls.js';
import { local, prose } from '../report/view.js';
import { CONTROLS_INTRO, partsText, unjudgedText, VERDICT_TEXT } from '../report/view-controls.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';
import { parseAt } from './status.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

/** 1 when any control fails; 4 when none fails but one is partial or without evidence (unknown is never success); else 0. */
export function controlsExit(report: ControlsReport): number {
  const verdicts = report.frameworks.map((f) => f.verdict);
  if (verdicts.includes('fail')) return EXIT.alarm;
  return verdicts.every((v) => v === 'pass') ? EXIT.compliant : EXIT.blind;
}

/** `controls [--framework X] [--json] [--at INSTANT]`: each framework's controls as of an instant, from the recorded findings. */
export function controlsCommand(program: Command, io: CliIO, run: Run, clock: Clock = systemClock): void {
  program
    .command('controls')
    .description(
      "each configured framework's controls as of now (or --at): fail if a bearing rule is in alarm for a target, pass only " +
        'if every target is judged ok by every bearing rule (exit 0 all pass, 1 any fail, 4 partial or no evidence)',
    )
    .option('--framework <id>', `only this framework (need not be in the config's frameworks): ${frameworks.ids.join(', ')}`)
    .option('--json', 'print one JSON document: {from, to, frameworks: [{id, title, verdict, controls: [...]}]}')
    .option('--at <instant>', 'the verdicts as recorded at that instant (ISO-8601, or wall-clock time in the config timezone)')
    .action((opts: { framework?: string; json?: boolean; at?: string }) =>
      run(() => {
        if (opts.framework !== undefined && !frameworks.has(opts.framework)) {
          println(io.stderr, `--framework: unknown framework "${opts.framework}"; known: ${frameworks.ids.join(', ')}`);
          return EXIT.usage;
        }
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const ids = opts.framework !== undefined ? [opts.framework] : (loaded.config.frameworks ?? []);
        if (ids.length === 0) {
          println(
            io.stderr,
            `no framework to judge: add \`frameworks: [...]\` to the config or pass --framework (${frameworks.ids.join(', ')})`,
          );
          return EXIT.usage;
        }
        const now = clock();
        const at = opts.at === undefined ? now : parseAt(opts.at, loaded.config.timezone, io, now);
        if (at === null) return EXIT.usage;
        if (!existsSync(loaded.databasePath)) {
          println(
            io.stderr,
            `no database yet at ${loaded.databasePath}: run \`backup-auditor run-once\` first (nothing judged: no evidence)`,
          );
          return EXIT.blind;
        }
        const db = openDatabase(loaded.databasePath, { migrate: false });
        try {
          // The verdicts as of `at`: the window is the instant itself, so the state recorded at or before it counts.
          const report = readTransaction(db, () => {
            const { config } = withAutoTargets(loaded, db, at);
            return judgeControls({ db, config, rules, frameworks }, ids, at, at + 1);
          });
          if (opts.json) println(io.stdout, JSON.stringify(plainData(report), null, 2));
          else printControls(io, report, loaded.config.timezone);
          return controlsExit(report);
        } finally {
          closeDatabase(db);
        }
      }),
    );
}

function printControls(io: CliIO, report: ControlsReport, timezone: string): void {
  const when = (text: string) => local({ timezone }, text);
  println(io.stdout, `controls as of ${when(report.from)}`);
  println(io.stdout, CONTROLS_INTRO);
  for (const f of report.frameworks) {
    println(io.stdout);
    println(io.stdout, `${f.title} (${f.id}): ${VERDICT_TEXT[f.verdict]}`);
    for (const c of f.controls) {
      println(io.stdout, `  ${c.id} ${prose(c.title, 120)}: ${VERDICT_TEXT[c.verdict]} (${partsText(c)})`);
      for (const a of c.alarms) println(io.stdout, `    ${a.rule} on ${a.target} since ${when(a.since)}: ${prose(a.reason, 200)}`);
      if (c.unjudged.length > 0) println(io.stdout, `    not judged: ${unjudgedText(c.unjudged)}`);
      if (c.verdict !== 'pass') for (const x of c.evidence.slice(0, 3)) println(io.stdout, `    evidence: ${x}`);
    }
  }
}
