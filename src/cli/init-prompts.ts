import { createInterface, type Interface } from 'node:readline';
import type { z } from 'zod';
import { SERVICES_BY_CLOUD } from '../config/schema.js';
import {
  answerFields,
  CHANNEL_ENV,
  CHANNEL_TYPES,
  CLOUD_DEFAULTS,
  CLOUDS,
  emailList,
  type InitAnswers,
  initAnswers,
  targetPair,
} from './init-answers.js';

/** The user closed the input (Ctrl-D) before answering everything. */
export class PromptCancelled extends Error {}

/**
 * Questions on a terminal with node:readline. Lines are read through the interface's async iterator,
 * which buffers them, so answers typed (or pasted) ahead of their question are not lost.
 */
export class Prompter {
  readonly #rl: Interface;
  readonly #lines: AsyncIterator<string>;
  readonly #out: NodeJS.WritableStream;

  constructor(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, terminal: boolean) {
    this.#rl = createInterface({ input, output, terminal });
    this.#lines = this.#rl[Symbol.asyncIterator]();
    this.#out = output;
  }

  say(text: string): void {
    this.#out.write(`${text}\n`);
  }

  /** Asks until the answer parses; an empty answer takes `fallback` (shown in brackets) when there is one. */
  async ask<T>(question: string, schema: z.ZodType<T>, fallback?: string): Promise<T> {
    for (;;) {
      const text = (await this.#line(`${question}${fallback ? ` [${fallback}]` : ''}: `)) || (fallback ?? '');
      const parsed = schema.safeParse(text);
      if (parsed.success) return parsed.data;
      this.say(`  ${parsed.error.issues[0]?.message ?? 'not a valid answer'}; try again`);
    }
  }

  /** Like `ask`, but an empty answer means "none". */
  async askOptional<T>(question: string, schema: z.ZodType<T>): Promise<T | undefined> {
    for (;;) {
      const text = await this.#line(`${question}: `);
      if (text === '') return undefined;
      const parsed = schema.safeParse(text);
      if (parsed.success) return parsed.data;
      this.say(`  ${parsed.error.issues[0]?.message ?? 'not a valid answer'}; try again`);
    }
  }

  /** A yes/no question; the default is no. */
  async confirm(question: string): Promise<boolean> {
    return /^y(es)?$/i.test(await this.#line(`${question} [y/N]: `));
  }

  close(): void {
    this.#rl.close();
  }

  async #line(prompt: string): Promise<string> {
    this.#out.write(prompt);
    const next = await this.#lines.next();
    if (next.done) throw new PromptCancelled('init cancelled: the input ended before every question was answered; nothing was written');
    return next.value.trim();
  }
}

/** Asks everything `init` needs, suggesting the usual answer for the chosen cloud; each answer is checked like its flag. */
export async function askAnswers(p: Prompter, base: { timezone: string; database: string }): Promise<InitAnswers> {
  const f = answerFields;
  p.say('backup-auditor init: a few questions, then a commented config file. Press Enter to take the [default].');
  p.say('Secrets are never asked for: you name the environment variables that will hold them.');
  const cloud = await p.ask(`Cloud (${CLOUDS.join(', ')})`, f.cloud, 'aliyun');
  const d = CLOUD_DEFAULTS[cloud];
  const accountName = await p.ask(
    'Account name (how the config refers to this account)',
    f.accountName,
    `${cloud === 'huaweicloud' ? 'hw' : cloud}-prod`,
  );
  const region = await p.ask(cloud === 'ucloud' ? 'Region of the databases' : 'Region', f.region, d.region);
  const projectId = d.needsProjectId
    ? await p.ask('Project id (the IAM project of that region)', f.projectId.unwrap())
    : cloud === 'ucloud'
      ? await p.askOptional('Project id (empty for the default project)', f.projectId.unwrap())
      : undefined;
  const keyEnv = await p.ask(`Environment variable that will hold the ${d.keyName}`, f.keyEnv, d.keyEnv);
  const secretEnv = await p.ask(`Environment variable that will hold the ${d.secretName}`, f.secretEnv, d.secretEnv);
  const endpoint = await p.askOptional(
    'API endpoint (empty for the public one; http://127.0.0.1:PORT for `backup-auditor simulate`)',
    f.endpoint.unwrap(),
  );
  const services = SERVICES_BY_CLOUD[cloud];
  const service = services.length === 1 ? (services[0] as string) : await p.ask(`Service (${services.join(', ')})`, f.service, services[0]);
  const zone = cloud === 'ucloud' && service === 'upgsql' ? await p.ask('Zone of the databases', f.zone.unwrap(), d.zone) : undefined;
  p.say('Targets: one database instance per line as id=instance (id is your name for it). An empty line ends the list.');
  const targets: InitAnswers['targets'] = [];
  for (;;) {
    const t = await p.askOptional(`Target ${targets.length + 1}`, targetPair);
    if (t !== undefined) targets.push(t);
    else if (targets.length > 0) break;
    else p.say('  at least one target is needed');
  }
  const channel = await p.ask(`Alert channel (${CHANNEL_TYPES.join(', ')})`, f.channel, 'slack');
  const env = f.channelEnv.unwrap();
  const answers: Record<string, unknown> = {
    cloud,
    accountName,
    keyEnv,
    secretEnv,
    region,
    zone,
    projectId,
    endpoint,
    service,
    targets,
    channel,
    ...base,
  };
  if (channel === 'slack')
    answers.channelEnv = await p.ask('Environment variable that will hold the Slack webhook URL', env, CHANNEL_ENV.slack);
  if (channel === 'email') {
    answers.channelEnv = await p.ask(
      'Environment variable that will hold the SMTP URL (smtp://user:pass@host:587)',
      env,
      CHANNEL_ENV.email,
    );
    answers.emailFrom = await p.ask('From address', f.emailFrom.unwrap(), 'backup-auditor@example.com');
    answers.emailTo = await p.ask('To addresses (comma-separated)', emailList);
  }
  if (channel === 'webhook') {
    answers.webhookUrl = await p.ask('Webhook URL', f.webhookUrl.unwrap());
    answers.channelEnv = await p.askOptional('Environment variable that will hold the signing secret (empty for none)', env);
  }
  return initAnswers.parse(answers);
}
