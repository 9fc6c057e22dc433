import { EventEmitter } from 'node:events';
import type { Command } from 'commander';

/**
 * One or two lines that show each command in use, by command path. Kept together so every `--help`
 * reads the same way; a command that adds its own `afterHelp` text keeps it. A command missing here
 * still gets a generic example (`backup-auditor <path> --help` lists its options), and the help test
 * catches it.
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  '': [
    'backup-auditor init                      # write a config (asks on a terminal)',
    'backup-auditor doctor && backup-auditor run-once',
  ],
  init: [
    'backup-auditor init                      # questions on a terminal',
    'backup-auditor init --cloud aliyun --region cn-hangzhou --target orders-db=rm-bp1234567890 \\',
    '  --key-env ALI_AK --secret-env ALI_SK --channel slack --channel-env SLACK_WEBHOOK_URL',
    'backup-auditor init --example --out example.yaml   # every cloud and every option',
  ],
  schema: [
    'backup-auditor schema --out backup-auditor.schema.json',
    '# then, first line of the config: # yaml-language-server: $schema=./backup-auditor.schema.json',
  ],
  coverage: [
    'backup-auditor coverage                  # discover now, list uncovered databases',
    'backup-auditor coverage --stored --json | jq ".[] | select(.uncovered > 0)"',
  ],
  doctor: ['backup-auditor doctor', 'backup-auditor doctor --target orders-db --json | jq ".targets[] | select(.error)"'],
  validate: ['backup-auditor --config /etc/backup-auditor/backup-auditor.yaml validate'],
  'run-once': [
    'backup-auditor run-once',
    'backup-auditor run-once --dry-run             # what would be sent, without sending or writing',
    'backup-auditor run-once --target orders-db --json',
  ],
  start: ['BACKUP_AUDITOR_CONFIG=/etc/backup-auditor/backup-auditor.yaml backup-auditor start --poll-now'],
  worker: ['backup-auditor worker --queues poll --concurrency 8'],
  status: [
    'backup-auditor status',
    'backup-auditor status --state alarm,error --label team=payments --sort since',
    'backup-auditor status --at "2026-11-17 09:00" --json',
  ],
  controls: ['backup-auditor controls', 'backup-auditor controls --framework soc2 --at "2026-11-17 09:00" --json'],
  history: ['backup-auditor history orders-db', 'backup-auditor history orders-db --since 30d --json'],
  evaluate: ['backup-auditor evaluate --at 2026-11-17T09:00Z'],
  rules: ['backup-auditor rules', 'backup-auditor rules --json'],
  silence: ['backup-auditor silence add --target orders-db --for 2h --reason "storage migration"', 'backup-auditor silence list'],
  'silence add': [
    'backup-auditor silence add --label env=staging --from "2026-11-24 22:00" --until "2026-11-25 06:00" --reason "maintenance"',
  ],
  'silence list': ['backup-auditor silence list --all --json'],
  'silence expire': ['backup-auditor silence expire 3'],
  drill: ['backup-auditor drill record --target orders-db --result ok --at "2026-11-17 09:00" --duration 42m', 'backup-auditor drill list'],
  'drill record': [
    'backup-auditor drill record --target orders-db --backup 1234567 --result ok --at 2026-11-17T09:00Z --duration 42m \\',
    '  --note "restored to staging, row counts checked" --evidence https://tickets.example.com/OPS-42 --id OPS-42',
    'backup-auditor drill record --target orders-db --result failed --at "2026-11-17 09:00" --note "WAL segment missing"',
  ],
  'drill list': ['backup-auditor drill list --target orders-db --json'],
  routes: ['backup-auditor routes test --target orders-db --rule recent-success'],
  'routes test': ['backup-auditor routes test --target orders-db --rule failed-backup --severity critical'],
  notify: ['backup-auditor notify test db-slack'],
  'notify test': ['backup-auditor notify test oncall-mail'],
  db: ['backup-auditor db migrate'],
  'db migrate': ['backup-auditor --config /etc/backup-auditor/backup-auditor.yaml db migrate'],
  demo: ['backup-auditor demo', 'backup-auditor demo --dir ./demo-workspace'],
  simulate: ['backup-auditor simulate --port 8900 > sim.yaml && backup-auditor --config sim.yaml run-once'],
  report: [
    'backup-auditor report --week 2026-W47 --format html --out report.html',
    'backup-auditor report --from 2026-11-01 --to 2026-12-01 --format md',
  ],
  completion: [
    'source <(backup-auditor completion bash)                       # bash, this shell',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a zsh expansion the user's shell performs
    'backup-auditor completion zsh > "${fpath[1]}/_backup-auditor"   # zsh, for good',
  ],
};

/** Adds an "Example" section to the help of every command of the tree that has none yet. */
export function addHelpExamples(program: Command): void {
  const visit = (cmd: Command, path: string) => {
    // Commander's Command is an EventEmitter (its typings leave that out); help text is an 'afterHelp' listener.
    if (cmd instanceof EventEmitter && cmd.listenerCount('afterHelp') === 0) cmd.addHelpText('after', exampleSection(path));
    for (const c of cmd.commands) visit(c, path ? `${path} ${c.name()}` : c.name());
  };
  visit(program, '');
}

/** The text after the help of the command at `path` ('' for the program): its examples. */
export function exampleSection(path: string): string {
  const lines = HELP_EXAMPLES[path] ?? [`backup-auditor ${path} --help`];
  return `\n${lines.length === 1 ? 'Example' : 'Examples'}:\n${lines.map(exampleLine).join('\n')}`;
}

/** `$ command`; a comment line or a continuation (two leading spaces) is shown without the prompt. */
const exampleLine = (l: string): string => (l.startsWith('#') ? `  ${l}` : l.startsWith('  ') ? `      ${l.trimStart()}` : `  $ ${l}`);
