import { createRequire } from 'node:module';
import type { Command as CommandType, Help as HelpType } from 'commander';
import { LAZY_COMMANDS, type LazyCommands, PROGRAM, type Run } from './commands.js';
import { addHelpExamples } from './help-examples.js';
import { type CliIO, EXIT, processIO } from './io-base.js';
import { packageVersion } from './version.js';

// commander through require(): imported as ESM, its CommonJS would first be scanned for its exports,
// a few ms of every start (see the CLI start bench figure).
const { Command, CommanderError, Help } = createRequire(import.meta.url)('commander') as typeof import('commander');
type Command = CommandType;
type Help = HelpType;

/**
 * The CLI's entry: builds the command tree and runs the command the arguments name.
 *
 * **Start-up cost.** Command modules import the heavy parts of the product (BullMQ, ioredis, pino,
 * undici, drizzle, the report renderers), which cost a second and 100+ MiB before a single argument is
 * read. So main.ts imports only commander and the cheap table in commands.ts, and loads a command's
 * module with `import()` when that command runs or shows its own help (`status --help`, `help status`);
 * `completion` loads them all. The program's help and `--version` load none (bin.ts answers a lone
 * `--version` or `--help`, and `status --json`, before it loads even commander and this file, see
 * quick-run.ts): each command not loaded
 * is registered as a stub with the name, arguments and description commands.ts gives it, and
 * test/cli/lazy-commands.test.ts holds those equal to what the module registers.
 *
 * **Adding a command.** The eager way still works: import `fooCommand` from './foo.js' at the top and
 * call `fooCommand(program, io, run)` in `buildProgram` below, after the loop; it is then loaded on
 * every start (the CLI-start bench figure shows the cost). To make it lazy, remove that import and
 * call, and add to LAZY_COMMANDS in commands.ts, where it should be listed:
 *
 * ```ts
 * { commands: [{ term: 'foo [options] <arg>', description: 'as in foo.ts' }], load: async () => (await import('./foo.js')).fooCommand },
 * ```
 *
 * with `term` as the program's help shows it (`[options]` when the command has options). The
 * command's file does not change.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code: number = EXIT.compliant;
  const run: Run = async (fn) => {
    try {
      code = await fn();
    } catch (err) {
      code = await reportError(err, io);
    }
  };
  try {
    const program = await buildProgram(io, run, modulesFor(commandWord(argv)));
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.compliant : EXIT.usage;
    }
    return reportError(err, io);
  }
  return code;
}

/** io.ts loads the config loader and the logger: only an error pays for them. */
const reportError = async (err: unknown, io: CliIO): Promise<number> => (await import('./io.js')).reportError(err, io);

const nameOf = (term: string): string => term.split(' ')[0] as string;

/**
 * The command the arguments name, found the way commander will: the first word that is not an
 * option of the program (`-c` and `--config` take the next word); `help status` names `status`.
 * undefined when there is none (`--help`, `--version`, no arguments).
 */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-c' || arg === '--config') i++;
    else if (arg === '--') return argv[i + 1];
    else if (!arg.startsWith('-')) return arg === 'help' && argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('-') ? argv[i + 1] : arg;
  }
  return undefined;
}

/** The modules to load for `word`: its own, every one for `completion`, none for none or an unknown word. */
export function modulesFor(word: string | undefined): ReadonlySet<LazyCommands> {
  const own = LAZY_COMMANDS.find((m) => m.commands.some((c) => nameOf(c.term) === word));
  return new Set(own?.needsEveryCommand ? LAZY_COMMANDS : own ? [own] : []);
}

/** The command tree, with `load`'s modules registered in full and the other lazy commands as stubs. */
export async function buildProgram(io: CliIO, run: Run, load: ReadonlySet<LazyCommands>): Promise<Command> {
  const stubTerms = new WeakMap<Command, string>();
  const program = new Command(PROGRAM.name)
    .description(PROGRAM.description)
    .version(packageVersion(), PROGRAM.version.term, PROGRAM.version.description)
    .option(PROGRAM.config.term, PROGRAM.config.description)
    .helpOption(PROGRAM.help.term, PROGRAM.help.description)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({
      subcommandTerm(this: Help, cmd: Command): string {
        return stubTerms.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
    });
  const registers = await Promise.all(LAZY_COMMANDS.map((m) => (load.has(m) ? m.load() : undefined)));
  LAZY_COMMANDS.forEach((m, i) => {
    const register = registers[i];
    if (register) register(program, io, run);
    else for (const c of m.commands) stubTerms.set(program.command(nameOf(c.term)).description(c.description), c.term);
  });
  // Commands registered the eager way go here: fooCommand(program, io, run);
  addHelpExamples(program); // last: every command above gets its example
  return program;
}
