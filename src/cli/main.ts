import { Command, CommanderError } from 'commander';
import { completionCommand } from './completion.js';
import { controlsCommand } from './controls.js';
import { coverageCommand } from './coverage.js';
import { daemonCommands } from './daemon-commands.js';
import { dbCommand } from './db.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { drillCommand } from './drill.js';
import { evaluateCommand } from './evaluate.js';
import { addHelpExamples } from './help-examples.js';
import { historyCommand } from './history.js';
import { initCommand } from './init.js';
import { type CliIO, EXIT, processIO, reportError } from './io.js';
import { notifyCommand } from './notify-test.js';
import { reportCommand } from './report.js';
import { routesCommand } from './routes-test.js';
import { rulesCommand } from './rules.js';
import { runOnceCommand } from './run-once.js';
import { schemaCommand } from './schema-command.js';
import { silenceCommand } from './silence.js';
import { simulateCommand } from './simulate.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

/** Runs the CLI and resolves to its exit code; never calls process.exit, so tests can run it in-process. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code: number = EXIT.compliant;
  const run = async (fn: () => Promise<number> | number): Promise<void> => {
    try {
      code = await fn();
    } catch (err) {
      code = reportError(err, io);
    }
  };
  const program = new Command('backup-auditor')
    .description(
      'Audits that database backups actually happen, and alerts when they stop.\n\n' +
        'Exit codes: 0 compliant; 1 a finding in alarm; 2 bad usage or invalid config (nothing written); 3 runtime failure; ' +
        '4 nothing in alarm but something could not be judged (blindness is never compliance).',
    )
    .option('-c, --config <path>', 'config file (default: $BACKUP_AUDITOR_CONFIG or ./backup-auditor.yaml)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  validateCommand(program, io, run);
  runOnceCommand(program, io, run);
  daemonCommands(program, io, run);
  statusCommand(program, io, run);
  reportCommand(program, io, run);
  evaluateCommand(program, io, run);
  rulesCommand(program, io, run);
  silenceCommand(program, io, run);
  drillCommand(program, io, run);
  routesCommand(program, io, run);
  notifyCommand(program, io, run);
  dbCommand(program, io, run);
  demoCommand(program, io, run);
  simulateCommand(program, io, run);
  initCommand(program, io, run);
  schemaCommand(program, io, run);
  doctorCommand(program, io, run);
  historyCommand(program, io, run);
  coverageCommand(program, io, run);
  controlsCommand(program, io, run);
  completionCommand(program, io, run);
  addHelpExamples(program); // last: every command above gets its example
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.compliant : EXIT.usage;
    }
    return reportError(err, io);
  }
  return code;
}
