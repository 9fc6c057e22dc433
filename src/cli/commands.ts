import type { Command } from 'commander';
import type { CliIO } from './io-base.js';

/** How a command's action reports its exit code: main.ts's wrapper, which also turns errors into one. */
export type Run = (fn: () => Promise<number> | number) => Promise<void>;

/** A command module's registration function, as every command file exports one. */
export type Register = (program: Command, io: CliIO, run: Run) => void;

/**
 * A command module loaded only when the CLI needs it (see main.ts): what the program's help lists for
 * each command it registers, and how to load it. `term` and `description` must read as the module
 * registers them (`history [options] <target>`): a test compares the help with every module loaded.
 */
export interface LazyCommands {
  readonly commands: readonly HelpItem[];
  readonly load: () => Promise<Register>;
  /** `completion` prints the whole command tree, so running it loads every module. */
  readonly needsEveryCommand?: true;
}

/** A line of a help list: an option's flags or a command's term, and what it does. */
export interface HelpItem {
  readonly term: string;
  readonly description: string;
}

/**
 * The program's own declaration: buildProgram gives it to commander, and program-help.ts prints the
 * program's `--help` from it without loading commander. `helpCommand` is commander's built-in one, as
 * it prints it; a test holds the two helps equal.
 */
export const PROGRAM = {
  name: 'backup-auditor',
  description:
    'Audits that database backups actually happen, and alerts when they stop.\n\n' +
    'Exit codes: 0 compliant; 1 a finding in alarm; 2 bad usage or invalid config (nothing written); 3 runtime failure; ' +
    '4 nothing in alarm but something could not be judged (blindness is never compliance).',
  version: { term: '-V, --version', description: 'print the version of backup-auditor' },
  config: { term: '-c, --config <path>', description: 'config file (default: $BACKUP_AUDITOR_CONFIG or ./backup-auditor.yaml)' },
  help: { term: '-h, --help', description: 'display help for command' },
  helpCommand: { term: 'help [command]', description: 'display help for command' },
} as const satisfies Record<string, string | HelpItem>;

/** Every lazily loaded command module, in the order the program's help lists them. */
export const LAZY_COMMANDS: readonly LazyCommands[] = [
  {
    commands: [{ term: 'validate', description: 'check the config file (schema, references, rule parameters, secrets); writes nothing' }],
    load: async () => (await import('./validate.js')).validateCommand,
  },
  {
    commands: [
      {
        term: 'run-once [options]',
        description: 'poll all targets, evaluate rules, deliver notifications, then exit (0 compliant, 1 alarm, 4 something not judged)',
      },
    ],
    load: async () => (await import('./run-once.js')).runOnceCommand,
  },
  {
    commands: [
      { term: 'start [options]', description: 'run the daemon: schedules polls, evaluates, delivers, serves /healthz and /metrics' },
      { term: 'worker [options]', description: 'consume poll and notify jobs from Redis (scale-out); needs `redis:` in the config' },
    ],
    load: async () => (await import('./daemon-commands.js')).daemonCommands,
  },
  {
    commands: [
      {
        term: 'status [options]',
        description: 'show the current findings (exit 1 if any shown finding is in alarm, else 4 if one could not be judged)',
      },
    ],
    load: async () => (await import('./status.js')).statusCommand,
  },
  {
    commands: [
      {
        term: 'report [options]',
        description:
          'the compliance report for an ISO week or a period (default: the last complete week), as md, html, json, csv or pdf; ' +
          '--send delivers it',
      },
    ],
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    commands: [
      {
        term: 'evaluate [options]',
        description:
          'evaluate the rules over stored history without polling (exit 1 if any finding is in alarm, else 4 if one could not be judged)',
      },
    ],
    load: async () => (await import('./evaluate.js')).evaluateCommand,
  },
  {
    commands: [{ term: 'rules [options]', description: 'list the compliance rules with their parameters and defaults' }],
    load: async () => (await import('./rules.js')).rulesCommand,
  },
  {
    commands: [{ term: 'silence', description: 'maintenance windows: hold back notifications for matching findings' }],
    load: async () => (await import('./silence.js')).silenceCommand,
  },
  {
    commands: [{ term: 'drill', description: 'restore drills: record that a backup was restored and checked, list them' }],
    load: async () => (await import('./drill.js')).drillCommand,
  },
  {
    commands: [{ term: 'routes', description: 'inspect notification routing' }],
    load: async () => (await import('./routes-test.js')).routesCommand,
  },
  {
    commands: [{ term: 'notify', description: 'check the alert channels' }],
    load: async () => (await import('./notify-test.js')).notifyCommand,
  },
  {
    commands: [
      {
        term: 'evidence',
        description: 'prove the evidence: verify its hash chain, export it for an auditor, print the report signing key',
      },
    ],
    load: async () => (await import('./evidence.js')).evidenceCommand,
  },
  {
    commands: [{ term: 'db', description: 'database maintenance: migrate, back up and restore the evidence' }],
    load: async () => (await import('./db.js')).dbCommand,
  },
  {
    commands: [
      {
        term: 'demo [options]',
        description: 'run audit cycles against the built-in simulator, with local mail and Slack sinks (nothing leaves 127.0.0.1)',
      },
    ],
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    commands: [
      {
        term: 'simulate [options]',
        description:
          'serve the five provider APIs on 127.0.0.1 from a generated or scripted fleet, print a config for it, and run until Ctrl-C',
      },
    ],
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    commands: [
      { term: 'init [options]', description: 'write a commented backup-auditor.yaml (asks on a terminal; takes flags otherwise)' },
    ],
    load: async () => (await import('./init.js')).initCommand,
  },
  {
    commands: [
      {
        term: 'schema [options]',
        description: 'print the JSON Schema of the config file (generated from the schema `validate` uses), for editors',
      },
    ],
    load: async () => (await import('./schema-command.js')).schemaCommand,
  },
  {
    commands: [
      {
        term: 'doctor [options]',
        description: 'check secrets, endpoints (DNS, TCP, TLS) and one signed call per target; exit 1 if anything fails',
      },
    ],
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    commands: [
      {
        term: 'history [options] <target>',
        description:
          'what happened to one target: polls, backups seen or changed, restore drills, finding changes and notifications, in time order',
      },
    ],
    load: async () => (await import('./history.js')).historyCommand,
  },
  {
    commands: [
      {
        term: 'coverage [options]',
        description: 'discover every instance of the accounts with `discover:` and show which ones no target audits (exit 1 if any)',
      },
    ],
    load: async () => (await import('./coverage.js')).coverageCommand,
  },
  {
    commands: [
      {
        term: 'controls [options]',
        description:
          "each configured framework's controls as of now (or --at): fail if a bearing rule is in alarm for a target, pass only " +
          'if every target is judged ok by every bearing rule (exit 0 all pass, 1 any fail, 4 partial or no evidence)',
      },
    ],
    load: async () => (await import('./controls.js')).controlsCommand,
  },
  {
    commands: [{ term: 'completion <shell>', description: 'print a shell completion script for bash or zsh' }],
    load: async () => (await import('./completion.js')).completionCommand,
    needsEveryCommand: true,
  },
];
