import { plainData, truncate } from '../core/text.js';
import { MAX_REASON } from '../notify/render.js';
import type { ComplianceReport } from './types.js';
import type { ReportExceptions } from './types-exceptions.js';

// Characters that JSON allows raw but that can restyle or reorder a terminal or an editor showing the
// file: C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates.
const INVISIBLE = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The report as it leaves the process as data (this file, a webhook body): control characters and
 * bidi overrides removed from every string (src/core/text.ts); otherwise identifiers and labels from the
 * config exactly, so scripts can join on them; reasons, which may quote a provider, cut to 2000 characters.
 */
export function reportData(report: ComplianceReport): ComplianceReport {
  return plainData(reasonsCut(report));
}

/** The report with every provider-quoting text cut to MAX_REASON; the same object when none was longer. */
function reasonsCut(report: ComplianceReport): ComplianceReport {
  const fleet = report.fleet;
  const alarmsOpened = mapChanged(fleet.alarmsOpened, cutReason);
  const alarmsClosed = mapChanged(fleet.alarmsClosed, cutReason);
  const targets = mapChanged(report.targets, (t) => {
    const currentAlarms = mapChanged(t.currentAlarms, cutReason);
    return currentAlarms === t.currentAlarms ? t : { ...t, currentAlarms };
  });
  // Instance ids and names come from the provider, not the config: cut like reasons.
  const coverage = report.coverage?.map((c) => ({
    ...c,
    uncoveredInstances: c.uncoveredInstances.map((u) => ({
      ...u,
      instance: cut(u.instance),
      name: u.name === null ? null : cut(u.name),
    })),
    excludedInstances: c.excludedInstances.map((x) => ({ ...x, instance: cut(x.instance) })),
  }));
  const exceptions = exceptionsCut(report.exceptions);
  const unchanged =
    alarmsOpened === fleet.alarmsOpened &&
    alarmsClosed === fleet.alarmsClosed &&
    targets === report.targets &&
    exceptions === report.exceptions &&
    coverage === undefined;
  return unchanged
    ? report
    : { ...report, fleet: { ...fleet, alarmsOpened, alarmsClosed }, targets, exceptions, ...(coverage && { coverage }) };
}

/** The silences' and exclusions' reasons cut like the rules'; the same object when none was longer. */
function exceptionsCut(x: ReportExceptions): ReportExceptions {
  const silences = mapChanged(x.silences, cutReason);
  const exclusions = mapChanged(x.exclusions, (c) => {
    const reason = c.reason === null ? null : cut(c.reason);
    return reason === c.reason ? c : { ...c, reason };
  });
  return silences === x.silences && exclusions === x.exclusions ? x : { ...x, silences, exclusions };
}

const cut = (text: string): string => truncate(text, MAX_REASON);

function cutReason<A extends { readonly reason: string }>(a: A): A {
  const reason = cut(a.reason);
  return reason === a.reason ? a : { ...a, reason };
}

/** `list.map(f)`, or `list` itself when `f` returned every item unchanged. */
function mapChanged<T>(list: readonly T[], f: (item: T) => T): T[] {
  let copy: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as T;
    const next = f(item);
    if (next === item) continue;
    copy ??= list.slice();
    copy[i] = next;
  }
  return copy ?? (list as T[]);
}

// Raw in JSON text, these are what plainData removes and what the output escapes; all but DEL are beyond ASCII.
const RAW_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Whether JSON text may hold something `plainData` would change: such a character shows raw (DEL, C1
 * controls, bidi controls, line and paragraph separators) or as the escape JSON.stringify writes for it
 * (other C0 controls: `\b`, `\f`, `\r`, `\u00XX`; lone surrogates: `\udXXX`). False alarms are
 * harmless (the careful path runs); a false "no" is what the property test in
 * report-json-direct.test.ts looks for. Scans tens of megabytes in milliseconds: a regex over a fleet
 * report took 90 ms, so it only runs on text that is not all ASCII.
 */
function mayNeedCleaning(json: string): boolean {
  if (json.includes('\u007f')) return true;
  if (Buffer.byteLength(json, 'utf8') !== json.length && RAW_UNSAFE.test(json)) return true;
  // In JSON text a backslash only starts an escape: look at each, skipping the escaped character.
  for (let i = json.indexOf('\\'); i !== -1; i = json.indexOf('\\', i + 2)) {
    const next = json[i + 1];
    if (next === 'b' || next === 'f' || next === 'r') return true;
    if (
      next === 'u' &&
      (json.startsWith('00', i + 2)
        ? json[i + 4] === '0' || json[i + 4] === '1'
        : json[i + 2] === 'd' && '89abcdef'.includes(json[i + 3] ?? '-'))
    )
      return true;
  }
  return false;
}

/** One value as indented JSON: written straight out, or through `plainData` when its text shows something to clean. */
function encode(value: unknown): string {
  // Written straight out first: a fleet report is nearly always clean, and walking tens of megabytes
  // of it with plainData before writing cost as much as the writing.
  const direct = JSON.stringify(value, null, 2);
  return mayNeedCleaning(direct)
    ? JSON.stringify(plainData(value), null, 2).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : direct;
}

/** Where the targets go in the report's JSON text: unique, since a newline inside a JSON string is escaped. */
const TARGETS_SLOT = '\n  "targets": []';
/** `{\n  "targets": [\n` and `\n  ]\n}`: what encoding one target as `{ targets: [t] }` adds around it. */
const WRAPPER_HEAD = '{\n  "targets": [\n'.length;
const WRAPPER_TAIL = '\n  ]\n}'.length;

/**
 * The report as JSON (shape `version: 2`, see types.ts), indented for people and scripts alike, from
 * `reportData`, in pieces: the report around its targets, then one target at a time, so a fleet of tens
 * of thousands is written without ever holding its whole text (hundreds of megabytes) in memory. What
 * invisible characters remain (line and paragraph separators) are written as `\uXXXX` escapes, which
 * parse to the same string, so the file is also safe to `cat`. Joined, the pieces are `renderJson`.
 */
export function* renderJsonChunks(report: ComplianceReport): Generator<string> {
  const data = reasonsCut(report);
  const shell = encode({ ...data, targets: [] });
  const slot = shell.indexOf(TARGETS_SLOT);
  if (data.targets.length === 0 || slot === -1) {
    yield `${data.targets.length === 0 ? shell : encode(data)}\n`;
    return;
  }
  yield shell.slice(0, slot + TARGETS_SLOT.length - 1);
  for (let i = 0; i < data.targets.length; i++) {
    // Encoded where it sits, so JSON.stringify indents it; the wrapper around it is cut off again.
    const text = encode({ targets: [data.targets[i]] });
    yield `${i === 0 ? '' : ','}\n${text.slice(WRAPPER_HEAD, text.length - WRAPPER_TAIL)}`;
  }
  yield `\n  ]${shell.slice(slot + TARGETS_SLOT.length)}\n`;
}

/** The report as one JSON text (see `renderJsonChunks`). */
export function renderJson(report: ComplianceReport): string {
  return [...renderJsonChunks(report)].join('');
}
