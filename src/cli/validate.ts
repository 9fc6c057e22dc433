import type { Command } from 'commander';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

/** `validate`: checks the config file and every secret it names; writes nothing. */
export function validateCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('validate')
    .description('check the config file (schema, references, rule parameters, secrets); writes nothing')
    .action(() =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        for (const w of loaded.warnings) println(io.stderr, `warning: ${w}`);
        const c = loaded.config;
        println(
          io.stdout,
          `${loaded.path}: valid (${Object.keys(c.accounts).length} accounts, ${c.targets.length} targets, ` +
            `${Object.keys(c.channels).length} channels, ${c.routes.length} routes)`,
        );
        return EXIT.compliant;
      }),
    );
}
