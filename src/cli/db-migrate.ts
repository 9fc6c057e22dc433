import type { Command } from 'commander';
import { closeDatabase, migrationsApplied, openDatabase } from '../db/client.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

/** `db migrate`: creates the database if needed and applies pending migrations. */
export function dbCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  const db = program.command('db').description('database maintenance');
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
}
