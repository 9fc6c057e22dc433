import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cron from 'node-cron';
import { LineCounter, parseDocument } from 'yaml';
import { issuePath, resolveRules } from '../../rules/resolve.js';
import { rules as defaultRules } from '../../rules/registry.js';
import type { Rule } from '../../rules/types.js';
import { ConfigError } from '../errors.js';
import type { Registry } from '../registry.js';
import { checkReferences } from './references.js';
import { configSchema, type Config } from './schema.js';
import { isLiteralSecret, resolveSecret, type SecretEnv, type SecretRef } from './secret.js';

/** A validated config, frozen, with the means to read its secrets at the moment they are used. */
export interface LoadedConfig {
  readonly config: Readonly<Config>;
  /** The config file's absolute path; relative paths in it resolve against its folder. */
  readonly path: string;
  readonly baseDir: string;
  /** The database file's absolute path. */
  readonly databasePath: string;
  readonly warnings: readonly string[];
  /** Resolves a secret reference; throws ConfigError naming the source, never the value. */
  secret(ref: SecretRef, where: string): string;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  rules?: Registry<Rule>;
  /** Check that every `{env}`/`{file}` secret resolves (validate and run-once do; `schema` tools do not). */
  checkSecrets?: boolean;
}

/** Reads, parses and checks a config file. Throws ConfigError listing every problem with its path. */
export function loadConfigFile(path: string, opts: LoadOptions = {}): LoadedConfig {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([code === 'ENOENT' ? `config file ${abs} not found (use --config PATH or BACKUP_AUDITOR_CONFIG)` : `config file ${abs} cannot be read (${code ?? 'error'})`]);
  }
  return loadConfigText(text, abs, opts);
}

export function loadConfigText(text: string, path: string, opts: LoadOptions = {}): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
  }
  const lineOf = (p: readonly PropertyKey[]): string => {
    const node = doc.getIn(p.map(String).map((k) => (/^\d+$/.test(k) ? Number(k) : k)), true) as { range?: [number, number] } | undefined;
    const pos = node?.range?.[0];
    return pos === undefined ? '' : ` (line ${lineCounter.linePos(pos).line})`;
  };
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${issuePath(i.path).replace(/^\./, '') || '(root)'}: ${i.message}${lineOf(i.path)}`));
  }
  const config = parsed.data;
  const baseDir = dirname(path);
  const secretEnv: SecretEnv = { env: opts.env ?? process.env, baseDir };
  const rules = opts.rules ?? defaultRules;
  const problems = new Set<string>(checkReferences(config));
  config.targets.forEach((t, i) => resolveRules(rules, config, t, `targets[${i}]`).problems.forEach((p) => problems.add(p)));
  for (const [name, expr] of Object.entries({ ...config.schedules, ...Object.fromEntries(config.targets.filter((t) => t.schedule).map((t, i) => [`targets[${i}].schedule`, t.schedule])) })) {
    if (expr && !cron.validate(expr)) problems.add(`${name.includes('.') ? name : `schedules.${name}`}: invalid cron expression "${expr}"`);
  }
  const warnings: string[] = [];
  for (const { where, ref, check } of secretRefs(config)) {
    if (isLiteralSecret(ref)) warnings.push(`${where}: secret written literally in the config file; prefer {env: NAME} or {file: PATH}`);
    if (opts.checkSecrets === false) continue;
    const r = resolveSecret(ref, secretEnv);
    if ('problem' in r) problems.add(`${where}: ${r.problem}`);
    else if (check) {
      const bad = check(r.value);
      if (bad) problems.add(`${where}: ${bad}${isLiteralSecret(ref) ? '' : ` (value from ${describeRef(ref)})`}`);
    }
  }
  if (problems.size > 0) throw new ConfigError([...problems]);
  return Object.freeze({
    config: deepFreeze(config),
    path,
    baseDir,
    databasePath: resolve(baseDir, config.database),
    warnings,
    secret(ref: SecretRef, where: string): string {
      const r = resolveSecret(ref, secretEnv);
      if ('problem' in r) throw new ConfigError([`${where}: ${r.problem}`]);
      return r.value;
    },
  });
}

interface SecretUse {
  where: string;
  ref: SecretRef;
  /** Checks the resolved value's form; returns a problem that does not quote the value. */
  check?: (value: string) => string | undefined;
}

function secretRefs(config: Config): SecretUse[] {
  const out: SecretUse[] = [];
  for (const [name, a] of Object.entries(config.accounts)) {
    const at = `accounts.${name}`;
    if (a.cloud === 'ucloud') out.push({ where: `${at}.publicKey`, ref: a.publicKey }, { where: `${at}.privateKey`, ref: a.privateKey });
    else if (a.cloud === 'aliyun') {
      out.push({ where: `${at}.accessKeyId`, ref: a.accessKeyId }, { where: `${at}.accessKeySecret`, ref: a.accessKeySecret });
      if (a.securityToken) out.push({ where: `${at}.securityToken`, ref: a.securityToken });
    } else if (a.auth.type === 'aksk') out.push({ where: `${at}.auth.accessKey`, ref: a.auth.accessKey }, { where: `${at}.auth.secretKey`, ref: a.auth.secretKey });
    else out.push({ where: `${at}.auth.password`, ref: a.auth.password });
  }
  for (const [name, c] of Object.entries(config.channels)) {
    const at = `channels.${name}`;
    if (c.type === 'email') out.push({ where: `${at}.smtp`, ref: c.smtp, check: urlCheck(/^smtps?:$/, 'an smtp:// or smtps:// URL') });
    else if (c.type === 'slack') out.push({ where: `${at}.webhook`, ref: c.webhook, check: urlCheck(/^https?:$/, 'an http(s) URL') });
    else if (c.secret) out.push({ where: `${at}.secret`, ref: c.secret });
  }
  return out;
}

const urlCheck = (protocol: RegExp, what: string) => (value: string): string | undefined => {
  try {
    return protocol.test(new URL(value).protocol) ? undefined : `must be ${what}`;
  } catch {
    return `must be ${what}`;
  }
};

const describeRef = (ref: SecretRef): string => (typeof ref === 'string' ? 'the config file' : 'env' in ref ? `$${ref.env}` : ref.file);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
