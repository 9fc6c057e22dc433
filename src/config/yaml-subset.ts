/**
 * A reader for the plain subset of YAML that configs are written in: block mappings and sequences
 * (`- key: value` items too), flow mappings and sequences that close on their line, plain and quoted
 * scalars without escapes, comments. It returns undefined for anything else (anchors, tags, block or
 * multi-line scalars, escapes, tabs, document markers, complex or quoted keys, duplicate keys,
 * anything it is unsure of), and js-yaml then reads the text. Where it reads a document, it gives
 * js-yaml's values: a plain scalar that could be other than a string (a number, a boolean, null) is
 * resolved by js-yaml itself (`resolve`). A 10,000-target config is one loop over its lines here,
 * where js-yaml, which first lists the events of the whole file, took most of a `status`.
 */
export function readSubset(text: string, resolve: (plain: string) => unknown): unknown {
  try {
    return new SubsetReader(text, resolve).document();
  } catch (err) {
    if (err === DECLINE) return undefined;
    throw err;
  }
}

const DECLINE = Symbol('decline');
const decline = (): never => {
  throw DECLINE;
};

/** A key: a plain word that can only be a string, followed by `:` and a space or the line's end. */
const KEY = /^([A-Za-z_][\w./-]{0,1000}):(?: +|$)/;
const NOT_STRING_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);
/** What js-yaml's core schema could read as other than a string (null, booleans, numbers); anything else is a string. */
const MAYBE_NOT_STRING = /^(?:[-+]?[0-9._][0-9a-fA-F_.xXoObBeE+:-]*|[-+]?\.[A-Za-z]+|~|[nN]ull|NULL|[tT]rue|TRUE|[fF]alse|FALSE)$/;
/**
 * Characters this reader leaves to js-yaml wherever they are: tabs, carriage returns, backslashes
 * (escapes), control and non-printable characters, line and paragraph separators, byte order marks,
 * surrogates.
 */
const UNREAD = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff\\]/;
/** A plain scalar in a flow collection: up to a flow indicator or a comment; a `:` only before a character that goes on. */
const FLOW_PLAIN = /(?:[^,[\]{}:#\s]|:(?=[^\s,[\]{}])|(?<=\S)#| (?!#))+/y;
/** A key in a flow mapping: as KEY, and a space after the `:`. */
const FLOW_KEY = /([A-Za-z_][\w./-]{0,1000}): +/y;
/** Characters a plain scalar here may not start with: YAML indicators, left to js-yaml. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

interface Line {
  readonly indent: number;
  /** The line after its indentation, never empty or a comment. */
  readonly text: string;
}

class SubsetReader {
  private readonly lines: Line[] = [];
  private at = 0;
  /** Where flow and quoted values are read on the current line. */
  private pos = 0;
  private readonly resolved = new Map<string, unknown>();

  constructor(
    text: string,
    private readonly resolve: (plain: string) => unknown,
  ) {
    if (UNREAD.test(text)) decline();
    for (const raw of text.split('\n')) {
      const body = raw.trimStart();
      if (body !== '' && body[0] !== '#') this.lines.push({ indent: raw.length - body.length, text: body.trimEnd() });
    }
  }

  document(): unknown {
    // An empty document is js-yaml's error (the `yaml` library reads it as nothing).
    if (this.lines[0]?.indent !== 0) decline();
    const value = this.mapping(0);
    if (this.at < this.lines.length) decline();
    return value;
  }

  /** The block at the next line, deeper than `parent` (a sequence may sit at `parent` itself), or null when there is none. */
  private nested(parent: number, seqAtParent: boolean): unknown {
    const next = this.lines[this.at];
    if (!next || next.indent < parent || (next.indent === parent && !(seqAtParent && isItem(next.text)))) return null;
    return isItem(next.text) ? this.sequence(next.indent) : this.mapping(next.indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.lines[this.at]; line && line.indent >= indent; line = this.lines[this.at]) {
      if (line.indent > indent) decline();
      const key = KEY.exec(line.text);
      if (!key || NOT_STRING_KEYS.has(key[1] as string) || Object.hasOwn(out, key[1] as string)) return decline();
      const rest = line.text.slice(key[0].length);
      this.at++;
      out[key[1] as string] = rest === '' || rest[0] === '#' ? this.nested(indent, true) : this.inline(rest, indent);
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.lines[this.at]; line && line.indent >= indent; line = this.lines[this.at]) {
      // A key at the sequence's own indent ends it: the sequence was the value of the key before.
      if (line.indent === indent && !isItem(line.text)) break;
      if (line.indent > indent) decline();
      const rest = line.text.slice(1).trimStart();
      if (rest === '' || rest[0] === '#') {
        this.at++;
        out.push(this.nested(indent, false));
      } else if (KEY.test(rest)) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const column = indent + line.text.length - rest.length;
        this.lines[this.at] = { indent: column, text: rest };
        out.push(this.mapping(column));
      } else {
        this.at++;
        out.push(this.inline(rest, indent));
      }
    }
    return out;
  }

  /** A value that starts on its key's or item's line and ends there; a deeper line after it would continue it. */
  private inline(rest: string, indent: number): unknown {
    let value: unknown;
    this.pos = 0;
    if (rest[0] === '{' || rest[0] === '[') value = this.flow(rest);
    else if (rest[0] === '"' || rest[0] === "'") value = this.quoted(rest);
    else {
      const comment = rest.indexOf(' #');
      const plain = (comment < 0 ? rest : rest.slice(0, comment)).trimEnd();
      if (INDICATOR.test(plain) || plain.includes(': ') || plain.endsWith(':')) decline();
      value = this.scalar(plain);
      this.pos = plain.length;
    }
    if (this.pos < rest.length && !/^\s+#/.test(rest.slice(this.pos))) decline();
    const next = this.lines[this.at];
    if (next && next.indent > indent) decline();
    return value;
  }

  /** A flow collection from `pos` (its `{` or `[`) to its close, on this line; `pos` then is just after it. */
  private flow(s: string): unknown {
    const close = s[this.pos] === '{' ? '}' : ']';
    const map: Record<string, unknown> = {};
    const list: unknown[] = [];
    this.skip(s, 1);
    if (s[this.pos] === close) {
      this.pos++;
      return close === '}' ? map : list;
    }
    for (;;) {
      let key: string | undefined;
      if (close === '}') {
        FLOW_KEY.lastIndex = this.pos;
        const m = FLOW_KEY.exec(s);
        key = m?.[1];
        if (!m || key === undefined || NOT_STRING_KEYS.has(key) || Object.hasOwn(map, key)) return decline();
        this.pos += m[0].length;
      }
      let value: unknown;
      if (s[this.pos] === '{' || s[this.pos] === '[') value = this.flow(s);
      else if (s[this.pos] === '"' || s[this.pos] === "'") value = this.quoted(s);
      else {
        FLOW_PLAIN.lastIndex = this.pos;
        const plain = (FLOW_PLAIN.exec(s)?.[0] ?? '').trimEnd();
        if (plain === '' || INDICATOR.test(plain)) decline();
        value = this.scalar(plain);
        this.pos += plain.length;
      }
      if (key === undefined) list.push(value);
      else map[key] = value;
      this.skip(s, 0);
      if (s[this.pos] === close) {
        this.pos++;
        return close === '}' ? map : list;
      }
      if (s[this.pos] !== ',') decline();
      this.skip(s, 1);
    }
  }

  /** A quoted scalar from `pos` to its closing quote on this line (no escapes: the text has no backslash). */
  private quoted(s: string): string {
    const q = s[this.pos] as string;
    let value = '';
    let i = this.pos + 1;
    for (;;) {
      const end = s.indexOf(q, i);
      if (end < 0) return decline();
      value += s.slice(i, end);
      // '' inside single quotes is one quote.
      if (q === "'" && s[end + 1] === "'") {
        value += "'";
        i = end + 2;
      } else {
        this.pos = end + 1;
        return value;
      }
    }
  }

  /** Moves `pos` on by `by`, then past spaces. */
  private skip(s: string, by: number): void {
    this.pos += by;
    while (s[this.pos] === ' ') this.pos++;
  }

  private scalar(plain: string): unknown {
    if (!MAYBE_NOT_STRING.test(plain)) return plain;
    if (!this.resolved.has(plain)) {
      let value: unknown;
      try {
        value = this.resolve(plain);
      } catch {
        decline();
      }
      if (value !== null && typeof value === 'object') decline();
      this.resolved.set(plain, value);
    }
    return this.resolved.get(plain);
  }
}

const isItem = (text: string): boolean => text === '-' || text.startsWith('- ');
