import { iso } from '../core/clock.js';
import { formatDuration } from '../core/duration.js';
import { MAX_TEXT, plainText } from '../core/text.js';
import type { Db } from '../db/client.js';
import { type FindingRow, findingsAsOf, listStatusRows, type StatusRow } from '../db/findings.js';
import { type Colour, paint } from './colour.js';

/** The `status --json` shape (DESIGN.md external contract). */
export interface StatusEntry {
  target: string;
  rule: string;
  state: FindingRow['state'];
  since: string;
  severity: FindingRow['severity'];
  reason: string;
}

/**
 * The current findings, or with `at` the ones recorded then (from the flip history). A reason may
 * quote a provider: it is made plain text (control characters removed, cut) for every output.
 */
export function statusEntries(db: Db, at?: number): StatusEntry[] {
  if (at !== undefined) return findingsAsOf(db, at).map((f) => entry(f.targetId, f.ruleId, f.state, f.severity, iso(f.since), f.reason));
  return [...eachStatusEntry(listStatusRows(db))];
}

/**
 * The entries of `rows`, made one at a time as they are read: at tens of thousands of findings,
 * holding every row and every entry at once cost more than reading and writing them.
 */
export function* eachStatusEntry(rows: Iterable<StatusRow>): Generator<StatusEntry> {
  // The findings of one evaluation share their `since`: formatted once.
  let since = Number.NaN;
  let sinceText = '';
  for (const [target, rule, state, severity, at, reason] of rows) {
    if (at !== since) {
      since = at;
      sinceText = iso(at);
    }
    yield entry(target, rule, state, severity, sinceText, reason);
  }
}

const entry = (
  target: string,
  rule: string,
  state: StatusEntry['state'],
  severity: StatusEntry['severity'],
  since: string,
  reason: string,
) => ({ target, rule, state, since, severity, reason: plainText(reason, MAX_TEXT) }) satisfies StatusEntry;

/** Finding states, worst first: what `--state` accepts. */
export const STATES = ['alarm', 'error', 'ok', 'skip'] as const satisfies readonly StatusEntry['state'][];
/** What `--sort` accepts. */
export const SORT_KEYS = ['state', 'target', 'rule', 'since'] as const;
/** One of SORT_KEYS. */
export type SortKey = (typeof SORT_KEYS)[number];

const ORDER: Record<StatusEntry['state'], number> = { alarm: 0, error: 1, ok: 2, skip: 3 };
const STATE_COLOUR: Record<StatusEntry['state'], Colour> = { alarm: 'red', error: 'yellow', ok: 'green', skip: 'grey' };

/**
 * Orders findings: `state` puts alarms first, `since` the most recent change first; ties always fall
 * back to target then rule, so the same findings print in the same order every time.
 */
export function sortEntries(entries: readonly StatusEntry[], key: SortKey = 'state'): StatusEntry[] {
  const byName = (a: StatusEntry, b: StatusEntry) => a.target.localeCompare(b.target) || a.rule.localeCompare(b.rule);
  const primary: Record<SortKey, (a: StatusEntry, b: StatusEntry) => number> = {
    state: (a, b) => ORDER[a.state] - ORDER[b.state],
    target: () => 0,
    rule: (a, b) => a.rule.localeCompare(b.rule),
    since: (a, b) => Date.parse(b.since) - Date.parse(a.since),
  };
  return [...entries].sort((a, b) => primary[key](a, b) || byName(a, b));
}

/** Which findings to show; every given criterion must hold. */
export interface StatusFilter {
  readonly states?: readonly StatusEntry['state'][];
  readonly targets?: readonly string[];
  /** Every pair must be among the target's labels (from the config). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Applies a filter; `labelsOf` gives a target's labels (undefined for a target no longer configured). */
export function filterEntries(
  entries: readonly StatusEntry[],
  f: StatusFilter,
  labelsOf: (target: string) => Readonly<Record<string, string>> | undefined,
): StatusEntry[] {
  if (!f.states?.length && !f.targets?.length && Object.keys(f.labels ?? {}).length === 0) return [...entries];
  return entries.filter((e) => {
    if (f.states?.length && !f.states.includes(e.state)) return false;
    if (f.targets?.length && !f.targets.includes(e.target)) return false;
    const wanted = Object.entries(f.labels ?? {});
    if (wanted.length === 0) return true;
    const labels = labelsOf(e.target);
    return labels !== undefined && wanted.every(([k, v]) => labels[k] === v);
  });
}

// Terminal output: control characters from provider text must not move the cursor or recolour the screen.
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** How a table is drawn beyond its rows. */
export interface TableOptions {
  /** The target's cloud; without it the CLOUD column is left out. */
  readonly cloudOf?: (target: string) => string | undefined;
  /** ANSI colours for states (only on a terminal). */
  readonly colour?: boolean;
  readonly sort?: SortKey;
  /** "3h ago" is counted from here; default now. */
  readonly now?: number;
}

/** An aligned table, alarms first by default; the reason column takes what is left of the line. */
export function statusTable(
  entries: readonly StatusEntry[],
  width = 160,
  silenced: ReadonlyMap<string, number> = new Map(),
  opts: TableOptions = {},
): string {
  if (entries.length === 0) return 'no findings yet: run `backup-auditor run-once` first';
  const now = opts.now ?? Date.now();
  const withCloud = opts.cloudOf !== undefined;
  const header = ['TARGET', ...(withCloud ? ['CLOUD'] : []), 'RULE', 'STATE', 'SEVERITY', 'SINCE', 'REASON'];
  const stateCol = withCloud ? 3 : 2;
  const rows = sortEntries(entries, opts.sort).map((e) => {
    const silence = silenced.get(`${e.target}/${e.rule}`);
    const state = e.state.toUpperCase() + (silence === undefined ? '' : ` (silenced #${silence})`);
    const age = now - Date.parse(e.since);
    const since = `${e.since} (${age >= 0 ? `${formatDuration(age)} ago` : 'in the future'})`;
    const cloud = withCloud ? [opts.cloudOf?.(e.target) ?? '-'] : [];
    return { state: e.state, cells: [e.target, ...cloud, e.rule, state, e.severity, since, e.reason].map(clean) };
  });
  const fixed = header.length - 1;
  const widths = header.slice(0, fixed).map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] as string).length)));
  const used = widths.reduce((a, b) => a + b + 2, 0);
  const reasonWidth = Math.max(30, width - used);
  const line = (cells: readonly string[], state?: StatusEntry['state']) =>
    cells
      .map((c, i) => {
        if (i === fixed) return c.length > reasonWidth ? `${c.slice(0, reasonWidth - 1)}…` : c;
        const padded = c.padEnd(widths[i] as number);
        return i === stateCol && state && opts.colour ? paint(true, STATE_COLOUR[state], padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const head = line(header);
  return [opts.colour ? paint(true, 'bold', head) : head, ...rows.map((r) => line(r.cells, r.state))].join('\n');
}

/** `4 targets, 28 findings: 4 alarm, 0 error, 16 ok, 8 skipped`. */
export function summaryLine(entries: readonly StatusEntry[]): string {
  const count = (s: StatusEntry['state']) => entries.filter((e) => e.state === s).length;
  const targets = new Set(entries.map((e) => e.target)).size;
  return (
    `${targets} targets, ${entries.length} findings: ` +
    `${count('alarm')} alarm, ${count('error')} error, ${count('ok')} ok, ${count('skip')} skipped`
  );
}
