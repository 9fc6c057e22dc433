import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { iso, systemClock } from '../core/clock.js';
import { instantArg } from '../core/time.js';
import { closeDatabase, type Db, openDatabase } from '../db/client.js';
import { eachStatusRow, silencedFindings } from '../db/findings.js';
import { outboxProblems } from '../db/outbox.js';
import { activeSilences } from '../db/silences.js';
import { colourEnabled } from './colour.js';
import { type CliIO, EXIT, findingsExit, type GlobalOptions, loadConfig, println } from './io.js';
import { statusJsonChunks, statusRowsJson } from './status-json.js';
import {
  filterEntries,
  SORT_KEYS,
  type SortKey,
  STATES,
  type StatusEntry,
  type StatusFilter,
  sortEntries,
  statusEntries,
  statusTable,
  summaryLine,
} from './status-view.js';

const list = (values: string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/** `status` options, checked before anything is read; problems name the option. */
const statusArgs = z.object({
  state: z.array(z.enum(STATES, { error: (i) => `"${String(i.input)}" is not a state; use ${STATES.join(', ')}` })),
  label: z.array(z.string().regex(/^[^=\s]+=.*$/, 'must be key=value, e.g. team=payments')),
  target: z.array(z.string()),
  sort: z.enum(SORT_KEYS, { error: (i) => `"${String(i.input)}" cannot be sorted by; use ${SORT_KEYS.join(', ')}` }).optional(),
});

/** How `printStatus` narrows and orders what it shows, and where it finds each target's cloud and labels. */
export interface StatusView {
  readonly config?: Readonly<Config>;
  readonly filter?: StatusFilter;
  readonly sort?: SortKey;
}

/** `status [--json]`: the stored findings; exit 1 when any shown finding is in alarm, 4 when one could not be judged. */
export function statusCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('status')
    .description('show the current findings (exit 1 if any shown finding is in alarm, else 4 if one could not be judged)')
    .option('--json', 'print one JSON array of findings: [{target, rule, state, since, severity, reason}]')
    .option('--at <instant>', 'the findings as recorded at that instant (ISO-8601, or wall-clock time in the config timezone)')
    .option('--state <states...>', `only these states, repeatable or comma-separated: ${STATES.join(', ')}`)
    .option('--label <key=value...>', 'only targets with these labels (all must match)')
    .option('--target <ids...>', 'only these targets, repeatable or comma-separated')
    .option('--sort <key>', `order rows by ${SORT_KEYS.join(' | ')} (default state: alarms first; since: most recent change first)`)
    .action((opts: StatusOptions) => run(() => statusAction(program.opts<GlobalOptions>(), opts, io)));
}

/** `status`'s options, as commander gives them to its action. */
export interface StatusOptions {
  json?: boolean;
  at?: string;
  state?: string[];
  label?: string[];
  target?: string[];
  sort?: string;
}

/** What `status` does with its options and the program's: the exit code; a config problem is thrown. */
export function statusAction(global: GlobalOptions, opts: StatusOptions, io: CliIO): number {
  const args = statusArgs.safeParse({ state: list(opts.state), label: opts.label ?? [], target: list(opts.target), sort: opts.sort });
  if (!args.success) {
    for (const i of args.error.issues) println(io.stderr, `--${String(i.path[0])}: ${i.message}`);
    return EXIT.usage;
  }
  const loaded = loadConfig(global, io);
  const at = opts.at === undefined ? undefined : parseAt(opts.at, loaded.config.timezone, io);
  if (at === null) return EXIT.usage;
  const labels = Object.fromEntries(args.data.label.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const view: StatusView = {
    config: loaded.config,
    ...(args.data.sort && { sort: args.data.sort }),
    filter: { states: args.data.state, targets: args.data.target, labels },
  };
  if (!existsSync(loaded.databasePath)) {
    if (opts.json) println(io.stdout, '[]');
    else println(io.stdout, `no database yet at ${loaded.databasePath}: run \`backup-auditor run-once\` first`);
    // Nothing was ever judged: not compliance.
    return EXIT.blind;
  }
  const db = openDatabase(loaded.databasePath);
  try {
    // Only `--target` needs the known ids, and the findings' ids mean reading every finding once more.
    const known = args.data.target.length === 0 ? undefined : knownTargets(db, loaded.config);
    const unknown = known ? args.data.target.filter((t) => !known.has(t)) : [];
    if (known && unknown.length > 0) {
      println(io.stderr, `--target: unknown target ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${[...known].sort().join(', ')}`);
      return EXIT.usage;
    }
    return printStatus(db, io, opts.json === true, at, view);
  } finally {
    closeDatabase(db);
  }
}

/** Prints findings (table or JSON) and returns the exit code they imply. */
export function printStatus(db: Db, io: CliIO, json: boolean, at?: number, view: StatusView = {}): number {
  const { filter = {}, sort } = view;
  const everything = !filter.states?.length && !filter.targets?.length && Object.keys(filter.labels ?? {}).length === 0;
  if (json && at === undefined && sort === undefined && everything) return printAllJson(db, io);
  const all = statusEntries(db, at);
  const targets = new Map((view.config?.targets ?? []).map((t) => [t.id, t]));
  // JSON keeps the stored order (target, rule) unless a sort is asked for: scripts may rely on it.
  const filteredEntries = filterEntries(all, view.filter ?? {}, (id) => targets.get(id)?.labels);
  const entries = view.sort ? sortEntries(filteredEntries, view.sort) : filteredEntries;
  if (json) {
    for (const chunk of statusJsonChunks(entries)) io.stdout.write(chunk);
    println(io.stdout);
  } else {
    const config = view.config;
    const cloudOf =
      config &&
      ((id: string) => {
        const t = targets.get(id);
        return t && config.accounts[t.account]?.cloud;
      });
    const width = Number(io.env.COLUMNS) || (io.stdout as { columns?: number }).columns || 160;
    const silenced = at === undefined ? silencedFindings(db) : undefined;
    if (entries.length === 0 && all.length > 0)
      println(io.stdout, `no finding matches the filter (${all.length} findings in all; drop --state/--label/--target to see them)`);
    else
      println(
        io.stdout,
        statusTable(entries, width, silenced, {
          colour: colourEnabled(io.stdout, io.env),
          sort: view.sort ?? 'state',
          now: at ?? systemClock(),
          ...(cloudOf && { cloudOf }),
        }),
      );
    println(io.stdout);
    const filtered = entries.length === all.length ? '' : ` (${all.length - entries.length} more not shown by the filter)`;
    println(io.stdout, summaryLine(entries) + filtered + (at === undefined ? '' : ` (as recorded at ${iso(at)})`));
    if (at === undefined) {
      for (const p of outboxProblems(db)) {
        println(io.stdout, `notifications ${p.status} on ${p.channel}: ${p.count}${p.lastError ? ` (last error: ${p.lastError})` : ''}`);
      }
      const silences = activeSilences(db, systemClock()).length;
      if (silences > 0) println(io.stdout, `${silences} active silence${silences === 1 ? '' : 's'} (backup-auditor silence list)`);
    }
  }
  return findingsExit(entries);
}

/**
 * `status --json` of every current finding, each row made into its JSON as it is read
 * and then dropped: what a script runs on the whole fleet, where holding tens of thousands of rows and
 * entries cost more than reading and writing them. The same output as `statusJsonChunks(statusEntries(db))`.
 */
function printAllJson(db: Db, io: CliIO): number {
  const states = new Set<StatusEntry['state']>();
  // Encoded while the statement reads, written once it is done: a slow reader of stdout never keeps the
  // database's read snapshot open (a running daemon's checkpoints would wait on it).
  const pieces: Buffer[] = [];
  statusRowsJson(eachStatusRow(db), states, (chunk) => pieces.push(Buffer.from(chunk)));
  for (const piece of pieces) io.stdout.write(piece);
  println(io.stdout);
  return findingsExit([...states].map((state) => ({ state })));
}

/** Target ids of the config and of the stored findings (a target removed from the config keeps its findings). */
const knownTargets = (db: Db, config: Readonly<Config>): Set<string> =>
  new Set([...config.targets.map((t) => t.id), ...statusEntries(db).map((e) => e.target)]);

/** Parses `--at`; prints the problem and returns null when it is not a usable instant. */
export function parseAt(text: string, timeZone: string, io: CliIO, now = systemClock()): number | null {
  const r = instantArg(timeZone, now).safeParse(text);
  if (r.success) return r.data;
  println(io.stderr, `--at: ${r.error.issues[0]?.message ?? 'invalid instant'}`);
  return null;
}
