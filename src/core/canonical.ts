/** A value the canonical encoding accepts: what evidence records are made of. */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

/**
 * The canonical encoding of an evidence record: JSON with every object's keys sorted (by UTF-16 code
 * unit, as `Array.prototype.sort` compares them), no whitespace, and keys whose value is `undefined`
 * left out. Numbers must be safe integers (instants are epoch milliseconds, sizes and counts whole):
 * a float or a non-finite number throws, so the same record can never encode two ways on two machines.
 * Strings are JSON-escaped as `JSON.stringify` does, which is deterministic. Two records with equal
 * fields encode to the same string, whatever order their keys were written in; the evidence chain
 * (src/db/evidence.ts) hashes this encoding.
 */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical encoding: ${value} is not a safe integer`);
      return String(value);
    case 'object':
      return Array.isArray(value) ? encodeArray(value) : encodeObject(value as { readonly [key: string]: CanonicalValue | undefined });
    default:
      throw new TypeError(`canonical encoding: a ${typeof value} cannot be encoded`);
  }
}

// Plain loops and string concatenation: evidence is encoded for every backup event ingested.
function encodeArray(value: readonly CanonicalValue[]): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i] as CanonicalValue);
  return `${out}]`;
}

/** JSON-escaped keys, remembered: records repeat the same few column names. */
const KEYS = new Map<string, string>();

function encodeObject(value: { readonly [key: string]: CanonicalValue | undefined }): string {
  const keys = Object.keys(value);
  // Records are usually built with their keys in order already: sorting is then skipped.
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = value[k];
    if (v === undefined) continue;
    let key = KEYS.get(k);
    if (key === undefined) {
      key = JSON.stringify(k);
      if (KEYS.size < 1000) KEYS.set(k, key);
    }
    out += `${first ? '' : ','}${key}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}
