import { iso } from '../core/clock.js';
import { MAX_TEXT, plainText } from '../core/text.js';
import type { StatusRow } from '../db/findings.js';
import type { StatusEntry } from './status-view.js';

// `status --json`'s text: the findings array as `JSON.stringify(entries, null, 2)` writes it, made in
// pieces (tens of thousands of findings make tens of megabytes).

/**
 * `JSON.stringify(entries, null, 2)` in pieces of a few hundred entries: at 70,000 findings the one
 * string was 18 MB, built and then copied out whole.
 */
export function* statusJsonChunks(entries: Iterable<StatusEntry>): Generator<string> {
  const q = repeatQuoter();
  let parts: string[] = [];
  let count = 0;
  for (const e of entries) {
    parts.push(count === 0 ? '[\n' : ',\n', entryJson(q(e.target), q(e.rule), q(e.state), quote(e.since), q(e.severity), quote(e.reason)));
    if (++count % CHUNK === 0) {
      yield parts.join('');
      parts = [];
    }
  }
  parts.push(count === 0 ? '[]' : '\n]');
  yield parts.join('');
}

/**
 * `statusJsonChunks(eachStatusEntry(rows))`, made in one loop with no entry in between, each piece
 * handed to `emit` as it is made, and each state seen added to `states`: what `status --json` of a
 * whole fleet does with every row it reads. The values' JSON goes into the piece as separate strings,
 * copied once when the piece is joined.
 */
export function statusRowsJson(rows: Iterable<StatusRow>, states: Set<StatusEntry['state']>, emit: (chunk: string) => void): void {
  const q = repeatQuoter();
  let parts: string[] = [];
  let count = 0;
  // The findings of one evaluation share their `since`: formatted once.
  let since = Number.NaN;
  let sinceJson = '';
  for (const [target, rule, state, severity, at, reason] of rows) {
    if (at !== since) {
      since = at;
      sinceJson = quote(iso(at));
    }
    states.add(state);
    parts.push(count === 0 ? '[\n' : ',\n', TARGET, q(target), RULE, q(rule), STATE, q(state), SINCE, sinceJson, SEVERITY, q(severity));
    // Nearly every reason is plain text with nothing to escape, and short: itself between quotes.
    if (reason.length <= MAX_TEXT && !NOT_PLAIN_JSON.test(reason)) parts.push(REASON_QUOTE, reason, QUOTE_END);
    else parts.push(REASON, quote(plainText(reason, MAX_TEXT)), END);
    if (++count % CHUNK === 0) {
      emit(parts.join(''));
      parts = [];
    }
  }
  parts.push(count === 0 ? '[]' : '\n]');
  emit(parts.join(''));
}

// What `JSON.stringify(entries, null, 2)` writes around each value of an entry in the array.
const TARGET = '  {\n    "target": ';
const RULE = ',\n    "rule": ';
const STATE = ',\n    "state": ';
const SINCE = ',\n    "since": ';
const SEVERITY = ',\n    "severity": ';
const REASON = ',\n    "reason": ';
const END = '\n  }';
const REASON_QUOTE = `${REASON}"`;
const QUOTE_END = `"${END}`;

/** One entry as `JSON.stringify(entries, null, 2)` writes it in the array, from its values' JSON. */
const entryJson = (target: string, rule: string, state: string, since: string, severity: string, reason: string): string =>
  `${TARGET}${target}${RULE}${rule}${STATE}${state}${SINCE}${since}${SEVERITY}${severity}${REASON}${reason}${END}`;

/**
 * What makes a reason other than its own `quote(plainText(reason))`: a character JSON escapes or
 * plainText removes (`"`, `\`, C0 and C1 controls, DEL, bidi controls), or any surrogate (plainText
 * removes the lone ones).
 */
const NOT_PLAIN_JSON = /["\\\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

const CHUNK = 500;

// JSON.stringify escapes only `"`, `\`, code units below U+0020 and lone surrogates (ECMA-262
// QuoteJSONString): any other string is itself between quotes, which is quicker to write.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/** `quote`, remembering the values that repeat from one finding to the next (its target, the rule ids, states, severities). */
function repeatQuoter(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let q = seen.get(s);
    if (q === undefined) {
      q = quote(s);
      // Targets are many, but in the stored order each comes in a run: emptied now and then, not kept all.
      if (seen.size > 1_000) seen.clear();
      seen.set(s, q);
    }
    return q;
  };
}
