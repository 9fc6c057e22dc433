import type { Command } from 'commander';
import { closeDatabase, openDatabase } from '../db/client.js';
import { createDeps } from '../engine/deps.js';
import { runCycle, type CycleSummary } from '../engine/cycle.js';
import { EXIT, loadConfig, logger, println, type CliIO, type GlobalOptions } from './io.js';
import { printStatus } from './status.js';

/** `run-once`: poll every target, evaluate, deliver, print status, exit 0/1. */
export function runOnceCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('run-once')
    .description('poll all targets, evaluate rules, deliver notifications, then exit (0 compliant, 1 alarm)')
    .option('--target <id...>', 'only these targets')
    .option('--json', 'print the findings as one JSON array instead of a table')
    .action((opts: { target?: string[]; json?: boolean }) =>
      run(async () => {
        // The config is checked before the database is touched: an invalid config writes nothing.
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const unknown = (opts.target ?? []).filter((id) => !loaded.config.targets.some((t) => t.id === id));
        if (unknown.length > 0) {
          println(io.stderr, `--target: unknown target ${unknown.map((u) => `"${u}"`).join(', ')}`);
          return EXIT.usage;
        }
        const db = openDatabase(loaded.databasePath);
        try {
          const deps = createDeps({ db, loaded, log: logger(io) });
          const summary = await runCycle(deps, opts.target ? { targetIds: opts.target } : {});
          if (!opts.json) println(io.stderr, cycleLine(summary));
          return printStatus(db, io, opts.json === true);
        } finally {
          closeDatabase(db);
        }
      }),
    );
}

export function cycleLine(s: CycleSummary): string {
  const failed = s.polls.filter((p) => !p.ok);
  const d = s.delivery;
  const parts = [
    `polled ${s.polls.length} targets (${failed.length} failed)`,
    `${s.evaluation.changes} finding changes`,
    `${d.messages} messages: ${d.sent} items sent, ${d.retry} to retry, ${d.failed} failed`,
  ];
  const lines = [parts.join('; ')];
  for (const p of failed) lines.push(`  poll ${p.targetId} failed: ${p.error ?? 'unknown error'}`);
  return lines.join('\n');
}
