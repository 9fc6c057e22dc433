import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { rules as defaultRules } from '../../rules/registry.js';
import type { Rule } from '../../rules/types.js';
import { ConfigError } from '../core/errors.js';
import type { Registry } from '../core/registry.js';
import { type ChannelConfig, channel, type HeartbeatConfig, heartbeat } from './channels.js';
import { compactTargets } from './compact-targets.js';
import { checkDiscover, checkReferences, checkSchedules } from './references.js';
import { issuePath, targetRuleProblems } from './rule-settings.js';
import { type AccountConfig, account, type Config, configSchema, wholeConfigProblems } from './schema.js';
import { isLiteralSecret, resolveSecret, type SecretEnv, type SecretRef } from './secret.js';
import { readFast } from './yaml-fast.js';

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
    throw new ConfigError([
      code === 'ENOENT'
        ? `config file ${abs} not found (use --config PATH or BACKUP_AUDITOR_CONFIG)`
        : `config file ${abs} cannot be read (${code ?? 'error'})`,
    ]);
  }
  return loadConfigText(text, abs, opts);
}

export function loadConfigText(text: string, path: string, opts: LoadOptions = {}): LoadedConfig {
  const fast = readFast(text);
  // The `yaml` library keeps positions: it names a syntax error's line, and the line of a value zod
  // refuses. It is ten times slower on a large fleet's config, so it only runs when there is a problem.
  let yamlDoc: { doc: Document; lineCounter: LineCounter } | undefined;
  const parsedWithPositions = () => {
    if (!yamlDoc) {
      // Loaded here, not imported: a valid config never needs it, and it is a large module to load.
      const { LineCounter, parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
      const lineCounter = new LineCounter();
      yamlDoc = { doc: parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true }), lineCounter };
    }
    return yamlDoc;
  };
  if (fast === undefined) {
    const { doc, lineCounter } = parsedWithPositions();
    if (doc.errors.length > 0) {
      throw new ConfigError(doc.errors.map((e) => `line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
    }
  }
  const lineOf = (p: readonly PropertyKey[]): string => {
    const { doc, lineCounter } = parsedWithPositions();
    const node = doc.getIn(
      p.map(String).map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
      true,
    ) as { range?: [number, number] } | undefined;
    const pos = node?.range?.[0];
    return pos === undefined ? '' : ` (line ${lineCounter.linePos(pos).line})`;
  };
  const raw: unknown = fast ?? parsedWithPositions().doc.toJS() ?? {};
  const baseDir = dirname(path);
  const secretEnv: SecretEnv = { env: opts.env ?? process.env, baseDir };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    // Go on with every check that can run on the raw document, so one run names every problem.
    const problems = new Set(
      parsed.error.issues.map((i) => `${issuePath(i.path).replace(/^\./, '') || '(root)'}: ${i.message}${lineOf(i.path)}`),
    );
    for (const p of [...checkReferences(raw), ...checkSchedules(raw), ...checkDiscover(raw)]) problems.add(p);
    if (opts.checkSecrets !== false) for (const p of secretProblems(secretRefs(validEntries(raw)), secretEnv)) problems.add(p);
    throw new ConfigError([...problems]);
  }
  const config = { ...parsed.data, targets: compactTargets(parsed.data.targets) };
  const rules = opts.rules ?? defaultRules;
  const problems = new Set<string>([...wholeConfigProblems(config), ...checkReferences(config)]);
  for (const p of targetRuleProblems(rules, config)) problems.add(p);
  for (const p of [...checkSchedules(config), ...checkDiscover(config)]) problems.add(p);
  const uses = secretRefs(config);
  const warnings = uses
    .filter((u) => isLiteralSecret(u.ref))
    .map((u) => `${u.where}: secret written literally in the config file; prefer {env: NAME} or {file: PATH}`);
  if (opts.checkSecrets !== false) for (const p of secretProblems(uses, secretEnv)) problems.add(p);
  if (problems.size > 0) throw new ConfigError([...problems]);
  return Object.freeze({
    config: deepFreeze(config),
    path,
    baseDir,
    databasePath: resolve(baseDir, config.database),
    warnings,
    secret: secretReader(secretEnv),
  });
}

/**
 * `LoadedConfig.secret`, made outside `loadConfigText`: a closure made there would share its scope,
 * and with it the file's text, which the other closures there read, for as long as the config lives.
 */
function secretReader(secretEnv: SecretEnv): LoadedConfig['secret'] {
  return (ref, where) => {
    const r = resolveSecret(ref, secretEnv);
    if ('problem' in r) throw new ConfigError([`${where}: ${r.problem}`]);
    return r.value;
  };
}

interface SecretUse {
  where: string;
  ref: SecretRef;
  /** Checks the resolved value's form; returns a problem that does not quote the value. */
  check?: (value: string) => string | undefined;
}

/** Resolves every secret (and checks the form of those that have one); problems name the field, never the value. */
function secretProblems(uses: readonly SecretUse[], secretEnv: SecretEnv): string[] {
  const problems: string[] = [];
  for (const { where, ref, check } of uses) {
    const r = resolveSecret(ref, secretEnv);
    if ('problem' in r) problems.push(`${where}: ${r.problem}`);
    else if (check) {
      const bad = check(r.value);
      if (bad) problems.push(`${where}: ${bad}${isLiteralSecret(ref) ? '' : ` (value from ${describeRef(ref)})`}`);
    }
  }
  return problems;
}

/** The accounts and channels whose entries pass the schema on their own, from a document that as a whole did not. */
function validEntries(raw: unknown): SecretHolders {
  const entries = <T>(
    value: unknown,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  ): Record<string, T> => {
    const out: Record<string, T> = {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
    for (const [name, entry] of Object.entries(value)) {
      const r = schema.safeParse(entry);
      if (r.success) out[name] = r.data;
    }
    return out;
  };
  const root = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const beat = heartbeat.safeParse(root.heartbeat);
  const http = configSchema.shape.http.safeParse(root.http);
  const evidence = configSchema.shape.evidence.safeParse(root.evidence);
  return {
    accounts: entries(root.accounts, account),
    channels: entries(root.channels, channel),
    heartbeat: beat.success ? beat.data : undefined,
    http: http.success ? http.data : undefined,
    evidence: evidence.success ? evidence.data : undefined,
  };
}

interface SecretHolders {
  readonly accounts: Readonly<Record<string, AccountConfig>>;
  readonly channels: Readonly<Record<string, ChannelConfig>>;
  readonly heartbeat?: HeartbeatConfig | undefined;
  readonly http?: { readonly apiToken?: SecretRef | undefined } | undefined;
  readonly evidence?: { readonly signingKey?: SecretRef | undefined } | undefined;
}

/** Every secret reference of a config, with where it is written. */
export function secretRefs(config: SecretHolders): SecretUse[] {
  const out: SecretUse[] = [];
  for (const [name, a] of Object.entries(config.accounts)) {
    const at = `accounts.${name}`;
    if (a.cloud === 'ucloud') out.push({ where: `${at}.publicKey`, ref: a.publicKey }, { where: `${at}.privateKey`, ref: a.privateKey });
    else if (a.cloud === 'aliyun') {
      out.push({ where: `${at}.accessKeyId`, ref: a.accessKeyId }, { where: `${at}.accessKeySecret`, ref: a.accessKeySecret });
      if (a.securityToken) out.push({ where: `${at}.securityToken`, ref: a.securityToken });
    } else if (a.auth.type === 'aksk')
      out.push({ where: `${at}.auth.accessKey`, ref: a.auth.accessKey }, { where: `${at}.auth.secretKey`, ref: a.auth.secretKey });
    else out.push({ where: `${at}.auth.password`, ref: a.auth.password });
  }
  for (const [name, c] of Object.entries(config.channels)) {
    const at = `channels.${name}`;
    if (c.type === 'email') out.push({ where: `${at}.smtp`, ref: c.smtp, check: urlCheck(/^smtps?:$/, 'an smtp:// or smtps:// URL') });
    else if (c.type === 'slack') out.push({ where: `${at}.webhook`, ref: c.webhook, check: urlCheck(/^https?:$/, 'an http(s) URL') });
    else if (c.secret) out.push({ where: `${at}.secret`, ref: c.secret });
  }
  if (config.heartbeat) out.push({ where: 'heartbeat.url', ref: config.heartbeat.url, check: urlCheck(/^https?:$/, 'an http(s) URL') });
  if (config.http?.apiToken) out.push({ where: 'http.apiToken', ref: config.http.apiToken, check: tokenCheck });
  if (config.evidence?.signingKey) out.push({ where: 'evidence.signingKey', ref: config.evidence.signingKey, check: pemCheck });
  return out;
}

/** An API token a guess cannot find: 16 characters at least (`openssl rand -hex 32` gives 64). */
const tokenCheck = (value: string): string | undefined =>
  value.length < 16 ? 'must be at least 16 characters (e.g. `openssl rand -hex 32`)' : undefined;

const pemCheck = (value: string): string | undefined =>
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value) ? undefined : 'must be a PEM private key (openssl genpkey -algorithm ed25519)';

const urlCheck =
  (protocol: RegExp, what: string) =>
  (value: string): string | undefined => {
    try {
      return protocol.test(new URL(value).protocol) ? undefined : `must be ${what}`;
    } catch {
      return `must be ${what}`;
    }
  };

const describeRef = (ref: SecretRef): string => (typeof ref === 'string' ? 'the config file' : 'env' in ref ? `$${ref.env}` : ref.file);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // A fleet's config has tens of thousands of objects: no array of values per object, no call per string.
    for (const key in value) {
      const v: unknown = value[key];
      if (v !== null && typeof v === 'object') deepFreeze(v);
    }
  }
  return value;
}
