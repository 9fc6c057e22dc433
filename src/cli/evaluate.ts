import type { Command } from 'commander';
import { deliverDue } from '../../jobs/cycle.js';
import { createDeps } from '../../jobs/deps.js';
import { configSnapshotHash } from '../config/snapshot.js';
import { iso } from '../core/clock.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { chainConfig } from '../db/evidence.js';
import { findingsAsOf } from '../db/findings.js';
import { evaluateTargets } from '../engine/evaluate.js';
import { judgeTarget } from '../engine/judge.js';
import { type CliIO, EXIT, findingsExit, type GlobalOptions, loadConfig, println } from './io.js';
import { logger } from './logger.js';
import { parseAt, printStatus } from './status.js';
import { type StatusEntry, statusTable, summaryLine } from './status-view.js';

/**
 * `evaluate [--at ISO]`: judges stored history without polling. Without `--at` it records the findings
 * and delivers what changed, like the evaluation step of a cycle. With `--at` it answers "what did the
 * policy say at that instant?" from what was known then, and writes nothing; `since` is when the
 * flip history recorded that state as beginning, or the instant itself when no record agrees.
 */
export function evaluateCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('evaluate')
    .description(
      'evaluate the rules over stored history without polling (exit 1 if any finding is in alarm, else 4 if one could not be judged)',
    )
    .option('--at <instant>', 'evaluate as of a past instant, read-only (ISO-8601, or wall-clock time in the config timezone)')
    .option('--json', 'print one JSON array of findings')
    .action((opts: { at?: string; json?: boolean }) =>
      run(async () => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const at = opts.at === undefined ? undefined : parseAt(opts.at, loaded.config.timezone, io);
        if (at === null) return EXIT.usage;
        const db = openDatabase(loaded.databasePath);
        try {
          const deps = createDeps({ db, loaded, log: logger(io) });
          if (at === undefined) {
            chainConfig(db, configSnapshotHash(loaded), deps.clock());
            const summary = evaluateTargets(deps);
            const delivery = await deliverDue(deps, { flush: true });
            if (!opts.json)
              println(
                io.stderr,
                `${summary.changes} finding changes; ${delivery.messages} messages, ${delivery.sent} items sent, ` +
                  `${delivery.retry} to retry, ${delivery.failed} failed`,
              );
            return printStatus(db, io, opts.json === true);
          }
          // The state began when the flip history recorded it, if the recorded state then agrees with this verdict;
          // otherwise nothing recorded the change, and the instant asked about is all that is known.
          const recorded = new Map(findingsAsOf(db, at).map((f) => [`${f.targetId}/${f.ruleId}`, f]));
          const sinceOf = (target: string, rule: string, state: StatusEntry['state']): number => {
            const r = recorded.get(`${target}/${rule}`);
            return r && r.state === state ? r.since : at;
          };
          const entries: StatusEntry[] = loaded.config.targets.flatMap((t, i) =>
            judgeTarget(deps, t, i, at).map((v) => ({
              target: t.id,
              rule: v.rule.rule.id,
              state: v.state,
              since: iso(sinceOf(t.id, v.rule.rule.id, v.state)),
              severity: v.rule.severity,
              reason: v.reason,
            })),
          );
          if (opts.json) println(io.stdout, JSON.stringify(entries, null, 2));
          else {
            println(io.stdout, statusTable(entries, Number(io.env.COLUMNS) || 160, undefined, { now: at }));
            println(io.stdout);
            println(io.stdout, `${summaryLine(entries)} (evaluated as of ${iso(at)} from what was known then; nothing written)`);
          }
          return findingsExit(entries);
        } finally {
          closeDatabase(db);
        }
      }),
    );
}
