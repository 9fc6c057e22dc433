import type { Command } from 'commander';
import { createDeps } from '../../jobs/deps.js';
import { systemClock } from '../core/clock.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { type CoverageRow, coverageRows } from '../discovery/coverage-rows.js';
import { discoverAll, discoveringAccounts } from '../discovery/discover.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';
import { logger } from './logger.js';

/** Printable text: provider names can carry anything, so control characters are shown escaped. */
const plain = (s: string): string => JSON.stringify(s).slice(1, -1);

function printTable(rows: readonly CoverageRow[], io: CliIO): void {
  const head = ['account', 'service', 'discovered', 'targeted', 'excluded', 'uncovered', 'replicas', 'last discovery'];
  const body = rows.map((r) => [
    r.account,
    r.service,
    String(r.discovered),
    String(r.targeted),
    String(r.excluded),
    String(r.uncovered),
    String(r.replicas),
    r.lastDiscoveryAt ?? 'never',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  for (const line of [head, ...body])
    println(
      io.stdout,
      line
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  for (const r of rows) {
    for (const u of r.uncoveredInstances)
      println(
        io.stdout,
        `uncovered  ${r.account}/${r.service}/${plain(u.instance)}${u.name ? ` (${plain(u.name)})` : ''}, first seen ${u.firstSeenAt}`,
      );
    for (const m of r.missingTargets)
      println(io.stdout, `missing    target ${m.target}: instance ${plain(m.instance)} is no longer listed`);
    for (const e of r.excludedInstances)
      println(io.stdout, `excluded   ${r.account}/${r.service}/${plain(e.instance)}: ${plain(e.reason)}`);
  }
}

/** `coverage [--json] [--stored]`: which databases discovery found, and which no target audits. */
export function coverageCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('coverage')
    .description('discover every instance of the accounts with `discover:` and show which ones no target audits (exit 1 if any)')
    .option('--json', 'print one JSON array, one entry per account and service')
    .option('--stored', 'show the last stored discovery instead of discovering now')
    .action((opts: { json?: boolean; stored?: boolean }) =>
      run(async () => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        if (discoveringAccounts({ loaded }).length === 0) {
          println(
            io.stderr,
            'no account has a `discover:` option; ' +
              'add `discover: {}` to an account to list its instances (see `backup-auditor init --example`)',
          );
          return EXIT.usage;
        }
        const db = openDatabase(loaded.databasePath);
        try {
          const deps = createDeps({ db, loaded, log: logger(io), clock: systemClock });
          if (!opts.stored) {
            // Recorded as evidence like any discovery; findings are judged (and alerted) by run-once and start.
            for (const s of await discoverAll(deps))
              if (!s.ok) println(io.stderr, `discovery of ${s.account}/${s.service} failed: ${s.error ?? 'unknown error'}`);
          }
          const now = deps.clock();
          const rows = coverageRows(db, withAutoTargets(loaded, db, now).config, now);
          if (opts.json) println(io.stdout, JSON.stringify(rows, null, 2));
          else printTable(rows, io);
          return rows.some((r) => r.uncovered > 0 || r.missingTargets.length > 0) ? EXIT.alarm : EXIT.compliant;
        } finally {
          closeDatabase(db);
        }
      }),
    );
}
