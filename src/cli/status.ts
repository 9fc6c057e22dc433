import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { closeDatabase, openDatabase } from '../db/client.js';
import { iso, systemClock } from '../clock.js';
import { instantArg } from '../time.js';
import { EXIT, loadConfig, println, type CliIO, type GlobalOptions } from './io.js';
import { activeSilences } from '../db/silences.js';
import { outboxProblems, silencedFindings, statusEntries, statusTable, summaryLine } from './status-view.js';

/** `status [--json]`: the stored findings; exit 1 when any is in alarm. */
export function statusCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('status')
    .description('show the current findings (exit 1 if any is in alarm)')
    .option('--json', 'print one JSON array of findings')
    .option('--at <instant>', 'the findings as recorded at that instant (ISO-8601, or wall-clock time in the config timezone)')
    .action((opts: { json?: boolean; at?: string }) =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const at = opts.at === undefined ? undefined : parseAt(opts.at, loaded.config.timezone, io);
        if (at === null) return EXIT.usage;
        if (!existsSync(loaded.databasePath)) {
          if (opts.json) println(io.stdout, '[]');
          else println(io.stdout, `no database yet at ${loaded.databasePath}: run \`backup-auditor run-once\` first`);
          return EXIT.compliant;
        }
        const db = openDatabase(loaded.databasePath);
        try {
          return printStatus(db, io, opts.json === true, at);
        } finally {
          closeDatabase(db);
        }
      }),
    );
}

/** Prints findings (table or JSON) and returns the exit code they imply. */
export function printStatus(db: Parameters<typeof statusEntries>[0], io: CliIO, json: boolean, at?: number): number {
  const entries = statusEntries(db, at);
  if (json) println(io.stdout, JSON.stringify(entries, null, 2));
  else {
    println(io.stdout, statusTable(entries, Number(io.env.COLUMNS) || 160, at === undefined ? silencedFindings(db) : undefined));
    println(io.stdout);
    println(io.stdout, summaryLine(entries) + (at === undefined ? '' : ` (as recorded at ${iso(at)})`));
    if (at === undefined) {
      for (const p of outboxProblems(db)) {
        println(io.stdout, `notifications ${p.status} on ${p.channel}: ${p.count}${p.lastError ? ` (last error: ${p.lastError})` : ''}`);
      }
      const silences = activeSilences(db, systemClock()).length;
      if (silences > 0) println(io.stdout, `${silences} active silence${silences === 1 ? '' : 's'} (backup-auditor silence list)`);
    }
  }
  return entries.some((e) => e.state === 'alarm') ? EXIT.alarm : EXIT.compliant;
}

/** Parses `--at`; prints the problem and returns null when it is not a usable instant. */
export function parseAt(text: string, timeZone: string, io: CliIO, now = systemClock()): number | null {
  const r = instantArg(timeZone, now).safeParse(text);
  if (r.success) return r.data;
  println(io.stderr, `--at: ${r.error.issues[0]?.message ?? 'invalid instant'}`);
  return null;
}
