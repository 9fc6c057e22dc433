/**
 * Neutralising text that came from outside (a provider's backup names and error messages, a config's
 * labels) before it leaves the process. One definition for every output: the human renderers build on
 * `UNSAFE` and `truncate`, and the machine-readable ones (webhook body, `status --json`, report JSON)
 * pass their data through `plainData` where they are built.
 */

/**
 * C0 controls except tab and line feed, DEL and C1 controls (ESC sequences restyle a terminal), bidi
 * embeddings, overrides and isolates (they reorder what a reader sees), and lone surrogates (invalid
 * in UTF-8). Built from its three alternatives so each fits on a line.
 */
export const UNSAFE = new RegExp(
  [
    '[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]',
    '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])',
    '(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
  ].join('|'),
  'g',
);

/** Longest provider text (a reason quoting one) a machine-readable output carries: enough for any reason, never a runaway message. */
export const MAX_TEXT = 2000;

/**
 * Cuts `text` to at most `max` code points, ending in `…` when cut. Counts code points, not UTF-16
 * units, so an emoji is never split into a lone surrogate.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

// The same pattern without the `g` flag: `test` then keeps no `lastIndex` between calls.
const HAS_UNSAFE = new RegExp(UNSAFE.source);

/** Text fit for a data output: line breaks normalised to `\n`, the UNSAFE characters removed, cut to `max` code points if given. */
export function plainText(text: string, max = Number.POSITIVE_INFINITY): string {
  // Nearly every string (ids, instants, numbers as text) is already plain: checked, not rebuilt.
  if (text.length <= max && !text.includes('\r') && !HAS_UNSAFE.test(text)) return text;
  return truncate(text.replace(/\r\n?/g, '\n').replace(UNSAFE, ''), max);
}

/**
 * A JSON-ready value with every string in it, object keys included, made `plainText` (cut only when
 * `max` is given). Text without unsafe characters comes out unchanged, so ids and labels still join
 * exactly. Copy on write: an object or array in which nothing changes is returned as it is (a fleet
 * report is tens of megabytes of already-plain text, and copying it cost more than writing it out).
 */
export function plainData<T>(value: T, max = Number.POSITIVE_INFINITY): T {
  return plain(value, max) as T;
}

// Keys repeat across every row of a report; their plain form is looked up rather than checked again.
const plainKeys = new Map<string, string>();

function plainKey(key: string, max: number): string {
  if (max !== Number.POSITIVE_INFINITY) return plainText(key, max);
  let k = plainKeys.get(key);
  if (k === undefined) {
    k = plainText(key);
    if (plainKeys.size < 10_000) plainKeys.set(key, k);
  }
  return k;
}

function plain(value: unknown, max: number): unknown {
  if (typeof value === 'string') return plainText(value, max);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = plain(value[i], max);
      if (v === value[i]) continue;
      copy ??= value.slice();
      copy[i] = v;
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const record = value as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const v = plain(record[k], max);
      if (v !== record[k] || plainKey(k, max) !== k) return copyFrom(record, keys, i, v, max);
    }
    return value;
  }
  return value;
}

/** A plain copy of `record` whose first `changedAt` entries are unchanged and entry `changedAt` has the plain value `first`. */
function copyFrom(
  record: Record<string, unknown>,
  keys: readonly string[],
  changedAt: number,
  first: unknown,
  max: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = i < changedAt ? record[k] : i === changedAt ? first : plain(record[k], max);
    const key = plainKey(k, max);
    // `__proto__` is the one key whose assignment would set the copy's prototype: defined as data
    // instead. Every other key is assigned, which keeps the copy a fast object (defineProperty on
    // every key made each copy a dictionary object, slower to copy and stringify).
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}

/**
 * Orders text by UTF-16 code units, as `<` does: the same everywhere (no locale), and much cheaper
 * than `localeCompare`, which a report calls for every pair of rows it sorts.
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
