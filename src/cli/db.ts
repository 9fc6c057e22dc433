import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pruneByRetention } from '../../jobs/prune.js';
import { type Clock, iso, systemClock } from '../core/clock.js';
import { silentLogger } from '../core/log.js';
import { processAlive } from '../core/process.js';
import { backupDatabase, type DatabaseCheck, restoreDatabase } from '../db/backup.js';
import { closeDatabase, migrationsApplied, openDatabase } from '../db/client.js';
import { readHolder } from '../db/holder.js';
import type { PruneSummary } from '../db/retention.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

/** `N rows (poll_runs 120, backups 900, ...)`: what a checked copy holds. */
const holds = (c: DatabaseCheck): string =>
  `${Object.values(c.rows).reduce((a, b) => a + b, 0)} rows (${Object.entries(c.rows)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ')})`;

/** `db migrate`, `db backup --out FILE`, `db prune`, `db restore FILE`: the database's upkeep. */
export function dbCommand(program: Command, io: CliIO, run: Run, clock: Clock = systemClock): void {
  const db = program.command('db').description('database maintenance: migrate, back up and restore the evidence');
  db.command('migrate')
    .description('create the database file if needed and apply pending migrations')
    .action(() =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const handle = openDatabase(loaded.databasePath);
        const applied = migrationsApplied(handle);
        closeDatabase(handle);
        println(io.stdout, `${loaded.databasePath}: schema up to date (${applied} migrations applied)`);
        return EXIT.compliant;
      }),
    );
  db.command('backup')
    .description('copy the database consistently, even while the daemon writes, and check the copy (integrity_check, rows)')
    .requiredOption('--out <file>', 'where to write the copy (replaced only once the new copy passed its check)')
    .action((opts: { out: string }) =>
      run(async () => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const check = await backupDatabase(loaded.databasePath, resolve(io.cwd, opts.out));
        println(io.stdout, `${check.path}: backup of ${loaded.databasePath} checked: integrity ok, ${holds(check)}`);
        return EXIT.compliant;
      }),
    );
  db.command('prune')
    .description('remove what `retention` no longer keeps now, leaving the evidence chain verifiable (the daemon does it daily)')
    .action(() =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        if (!loaded.config.retention) {
          println(io.stdout, `${loaded.path}: no retention: configured: everything is kept`);
          return EXIT.compliant;
        }
        const handle = openDatabase(loaded.databasePath);
        try {
          const summary = pruneByRetention({ db: handle, loaded, clock, log: silentLogger }) as PruneSummary;
          const links = Object.entries(summary.links).map(([kind, n]) => `${kind} ${n}`);
          println(
            io.stdout,
            `${loaded.databasePath}: pruned ${links.length > 0 ? links.join(', ') : 'no chained record'}; ` +
              `${summary.backups} backups, ${summary.blobs} page bodies, ${summary.undelivered} failed notifications; ` +
              `${summary.checkpoints} retention link${summary.checkpoints === 1 ? '' : 's'} appended`,
          );
          return EXIT.compliant;
        } finally {
          closeDatabase(handle);
        }
      }),
    );
  db.command('restore <file>')
    .description('put a backup in place of the database (the current file is kept beside it); refused while a daemon holds it')
    .option('--force', 'restore even though a daemon on another host is recorded as holding the database')
    .action((file: string, opts: { force?: boolean }) =>
      run(async () => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const holder = readHolder(loaded.databasePath);
        const here = holder?.host === hostname();
        if (holder && ((here && processAlive(holder.pid)) || (!here && !opts.force))) {
          const who = `a daemon (pid ${holder.pid} on ${holder.host}, started ${iso(holder.startedAt)})`;
          println(
            io.stderr,
            `db restore: ${who} holds ${loaded.databasePath}: stop it first${here ? '' : ', or pass --force if it is gone'}`,
          );
          return EXIT.runtime;
        }
        const stamp = iso(clock()).replace(/[:]/g, '');
        const { check, kept } = await restoreDatabase(resolve(io.cwd, file), loaded.databasePath, stamp);
        const handle = openDatabase(loaded.databasePath);
        const applied = migrationsApplied(handle);
        closeDatabase(handle);
        println(io.stdout, `${loaded.databasePath}: restored from ${check.path} (${holds(check)}; ${applied} migrations applied)`);
        if (kept) println(io.stdout, `the database it replaced is kept as ${kept}`);
        return EXIT.compliant;
      }),
    );
}
