import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { configJsonSchema, SCHEMA_FILE_NAME } from '../config/json-schema.js';
import { loadConfigText } from '../config/load.js';
import { SERVICES_BY_CLOUD } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { CHANNEL_TYPES, CLOUD_DEFAULTS, CLOUDS, crossCheck, emailList, type InitAnswers, initAnswers, targetPair } from './init-answers.js';
import { EXAMPLE_ENV_VARS, exampleConfig } from './init-example.js';
import { askAnswers, PromptCancelled, Prompter } from './init-prompts.js';
import { envVarsOf, renderConfig } from './init-render.js';
import { type CliIO, configPath, EXIT, type GlobalOptions, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

interface InitOptions {
  cloud?: string;
  accountName?: string;
  keyEnv?: string;
  secretEnv?: string;
  region?: string;
  zone?: string;
  projectId?: string;
  endpoint?: string;
  service?: string;
  target?: string[];
  channel?: string;
  channelEnv?: string;
  emailFrom?: string;
  emailTo?: string[];
  webhookUrl?: string;
  timezone?: string;
  database?: string;
  out?: string;
  schemaRef?: string;
  force?: boolean;
  example?: boolean;
  interactive?: boolean;
}

/**
 * `init`: writes a commented config that passes `validate`. On a terminal it asks; otherwise it takes
 * flags (`--cloud` and friends). Credentials are only ever named (environment variables), never asked for.
 */
export function initCommand(
  program: Command,
  io: CliIO,
  run: Run,
  stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): void {
  program
    .command('init')
    .description('write a commented backup-auditor.yaml (asks on a terminal; takes flags otherwise)')
    .option('--cloud <cloud>', `the account's cloud: ${CLOUDS.join(', ')} (flags mode)`)
    .option('--account-name <name>', 'how the config names the account (default <cloud>-prod)')
    .option('--key-env <NAME>', 'environment variable holding the key id (AccessKey ID, PublicKey, AK)')
    .option('--secret-env <NAME>', 'environment variable holding the secret (AccessKey secret, PrivateKey, SK)')
    .option('--region <region>', "the account's region (UCloud: the targets' region)")
    .option('--zone <zone>', 'UCloud UPgSQL: the zone of the targets')
    .option('--project-id <id>', 'OTC / Huawei Cloud: the IAM project id (UCloud: optional project)')
    .option('--endpoint <url>', 'another API address, e.g. http://127.0.0.1:PORT of `backup-auditor simulate`')
    .option('--service <service>', 'ucloud: upgsql | tidb (the other clouds have one)')
    .option('--target <id=instance...>', 'a database to audit, repeatable: orders-db=rm-bp1234567890')
    .option('--channel <type>', `alert channel: ${CHANNEL_TYPES.join(', ')}`, 'slack')
    .option('--channel-env <NAME>', 'environment variable holding the Slack webhook URL, the SMTP URL, or the webhook signing secret')
    .option('--email-from <address>', 'email channel: From address')
    .option('--email-to <addresses...>', 'email channel: recipients (repeatable or comma-separated)')
    .option('--webhook-url <url>', 'webhook channel: where to POST')
    .option('--timezone <IANA zone>', "for schedules and reports (default: this machine's)")
    .option('--database <path>', 'SQLite file, relative to the config file', './data/backup-auditor.db')
    .option('--out <path>', 'where to write (default: --config, $BACKUP_AUDITOR_CONFIG or ./backup-auditor.yaml)')
    .option(
      '--schema-ref <path|url>',
      `what the \`yaml-language-server: $schema=\` line points at (default: ./${SCHEMA_FILE_NAME}, written beside the config)`,
    )
    .option('--force', 'overwrite an existing file')
    .option('--example', 'write a full example with every cloud and every option instead')
    .option('-i, --interactive', 'ask the questions even when stdin is not a terminal')
    .action((opts: InitOptions) => run(() => init(program, io, opts, stdin)));
}

async function init(program: Command, io: CliIO, opts: InitOptions, stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<number> {
  const out = resolve(io.cwd, opts.out ?? configPath(program.opts<GlobalOptions>(), io));
  const schemaRef = opts.schemaRef ?? `./${SCHEMA_FILE_NAME}`;
  const interactive = !opts.example && opts.cloud === undefined && (opts.interactive === true || stdin.isTTY === true);
  const prompter = interactive ? new Prompter(stdin, io.stdout, stdin.isTTY === true) : undefined;
  try {
    if (existsSync(out) && !opts.force && !(prompter && (await prompter.confirm(`${out} exists. Overwrite it?`)))) {
      println(io.stderr, `${out} already exists: pass --force to overwrite it, or --out OTHER.yaml to write elsewhere`);
      return EXIT.usage;
    }
    const base = { timezone: opts.timezone ?? localTimeZone(), database: opts.database ?? './data/backup-auditor.db' };
    let answers: InitAnswers | undefined;
    if (prompter) answers = await askAnswers(prompter, base);
    else if (!opts.example) {
      if (opts.cloud === undefined) {
        println(
          io.stderr,
          'init: stdin is not a terminal, so there is no one to ask: ' +
            'pass --cloud and --target (or -i to answer on stdin, --example for a full example)',
        );
        println(
          io.stderr,
          '  e.g. backup-auditor init --cloud aliyun --region cn-hangzhou --target orders-db=rm-bp1234567890 --channel slack',
        );
        return EXIT.usage;
      }
      const parsed = answersFromFlags(opts, base);
      if ('problems' in parsed) {
        for (const p of parsed.problems) println(io.stderr, p);
        println(io.stderr, 'nothing written; see backup-auditor init --help');
        return EXIT.usage;
      }
      answers = parsed.answers;
    }
    return write(io, out, schemaRef, opts.schemaRef === undefined, answers);
  } catch (err) {
    if (!(err instanceof PromptCancelled)) throw err;
    println(io.stderr, err.message);
    return EXIT.usage;
  } finally {
    prompter?.close();
  }
}

/** Checks the text with the loader (minus secrets), writes it and the schema, then says what to do next. */
function write(io: CliIO, out: string, schemaRef: string, writeSchema: boolean, answers: InitAnswers | undefined): number {
  const text = answers ? renderConfig(answers, schemaRef) : exampleConfig(schemaRef);
  loadConfigText(text, out, { env: {}, checkSecrets: false }); // a generated config that does not load is a bug: fail before writing
  writeFileSync(out, text);
  println(io.stdout, `wrote ${out}`);
  if (writeSchema) {
    const schemaPath = join(dirname(out), SCHEMA_FILE_NAME);
    writeFileSync(schemaPath, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    println(
      io.stdout,
      `wrote ${schemaPath} (editors with the YAML language server complete and check the config with it; ` +
        `refresh with \`backup-auditor schema --out ${shortPath(io.cwd, schemaPath)}\`)`,
    );
  }
  const vars = answers ? envVarsOf(answers) : [...EXAMPLE_ENV_VARS];
  const missing = vars.filter((v) => !io.env[v]);
  const config = relative(io.cwd, out) === 'backup-auditor.yaml' ? '' : ` --config ${out}`;
  try {
    if (missing.length === 0) loadConfigText(text, out, { env: io.env });
    println(
      io.stdout,
      missing.length === 0
        ? 'the config is valid and its secrets resolve.'
        : `next: set ${missing.join(', ')} (the secrets themselves, e.g. in an EnvironmentFile), then:`,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    println(io.stdout, 'the config is written, but:');
    for (const p of err.problems) println(io.stdout, `  ${p}`);
  }
  println(io.stdout, `  backup-auditor${config} validate && backup-auditor${config} doctor && backup-auditor${config} run-once`);
  return EXIT.compliant;
}

/** Flags to answers, with the usual defaults of the cloud; problems name the flag to fix. */
function answersFromFlags(o: InitOptions, base: { timezone: string; database: string }): { answers: InitAnswers } | { problems: string[] } {
  const cloud = z.enum(CLOUDS).safeParse(o.cloud);
  if (!cloud.success) return { problems: [`--cloud: "${o.cloud}" is not a cloud; use one of ${CLOUDS.join(', ')}`] };
  const d = CLOUD_DEFAULTS[cloud.data];
  const problems: string[] = [];
  const targets = (o.target ?? []).flatMap((t) => {
    const r = targetPair.safeParse(t);
    if (!r.success) problems.push(`--target: "${t}" ${r.error.issues[0]?.message ?? 'must be id=instance'}`);
    return r.success ? [r.data] : [];
  });
  const emails = o.emailTo === undefined ? undefined : emailList.safeParse(o.emailTo.join(','));
  if (emails && !emails.success) problems.push(`--email-to: ${emails.error.issues[0]?.message ?? 'not a list of addresses'}`);
  const service = o.service ?? SERVICES_BY_CLOUD[cloud.data][0];
  const raw = {
    cloud: cloud.data,
    accountName: o.accountName ?? `${cloud.data === 'huaweicloud' ? 'hw' : cloud.data}-prod`,
    keyEnv: o.keyEnv ?? d.keyEnv,
    secretEnv: o.secretEnv ?? d.secretEnv,
    region: o.region ?? d.region,
    zone: o.zone ?? (cloud.data === 'ucloud' && service === 'upgsql' ? d.zone : undefined),
    projectId: o.projectId,
    endpoint: o.endpoint,
    service,
    targets,
    channel: o.channel ?? 'slack',
    channelEnv: o.channelEnv,
    emailFrom: o.emailFrom,
    emailTo: emails?.success ? emails.data : undefined,
    webhookUrl: o.webhookUrl,
    ...base,
  };
  const parsed = initAnswers.safeParse(raw);
  if (!parsed.success) {
    // A wrong field stops zod before the cross-checks; run them anyway so every problem shows at once.
    const issues = [...parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message })), ...crossCheck(raw)];
    for (const i of issues) {
      const line = `${flagOf(i.path)}: ${i.message}`;
      if (i.path === 'targets' && targets.length === 0 && problems.some((p) => p.startsWith('--target'))) continue;
      if (!problems.includes(line)) problems.push(line);
    }
  }
  return problems.length > 0 || !parsed.success ? { problems } : { answers: parsed.data };
}

/** Relative to the working directory when below it, else absolute: what a person would type. */
const shortPath = (cwd: string, path: string): string => {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
};

const flagOf = (key: string): string => (key === 'targets' ? '--target' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);

function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
