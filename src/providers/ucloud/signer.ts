import { createHash } from 'node:crypto';

/** A request parameter before flattening: UCloud takes scalars, arrays (`Key.0`) and objects (`Key.Sub`). */
export type UcloudParamValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly UcloudParamValue[]
  | { readonly [key: string]: UcloudParamValue };

/**
 * Flattens request parameters the way UCloud's SDKs encode them: arrays as `Key.0`, `Key.1` (0-based),
 * objects as `Key.Sub` (so an array of objects gives `Key.0.Sub`), scalars as text. `null` and
 * `undefined` are left out, as the SDKs leave them out of both the request and the signature.
 * The result is what gets sent and what gets signed, so the two can never disagree.
 */
export function flattenParams(params: { readonly [key: string]: UcloudParamValue }): Record<string, string> {
  // No prototype: a parameter named `__proto__` must stay a parameter.
  const out = Object.create(null) as Record<string, string>;
  const visit = (key: string, value: UcloudParamValue): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item: UcloudParamValue, index) => {
        visit(`${key}.${index}`, item);
      });
    } else if (typeof value === 'object') {
      for (const [sub, item] of Object.entries(value as { readonly [key: string]: UcloudParamValue })) visit(`${key}.${sub}`, item);
    } else {
      out[key] = paramText(value as string | number | boolean);
    }
  };
  for (const [key, value] of Object.entries(params)) visit(key, value);
  return out;
}

/**
 * A scalar as UCloud signs it: booleans `true`/`false`; numbers in plain decimal without a zero
 * fraction and never in exponent notation (`42.0` → `42`, `1e21` → `1000000000000000000000`,
 * `1e-7` → `0.0000001`), like Go's `strconv.FormatFloat(v, 'f', -1, 64)` in the official Go SDK.
 */
export function paramText(value: string | number | boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new Error(`UCloud parameters cannot carry ${value}`);
  if (Object.is(value, -0)) return '0';
  return expandExponent(String(value));
}

/** `1.5e-7` → `0.00000015`, `1.5e+21` → `1500000000000000000000`; text without an exponent is returned as is. */
function expandExponent(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const digits = int + frac;
  const point = int.length + Number(exp); // where the decimal point lands within `digits`
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`.replace(/\.?0+$/, '');
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`.replace(/^(-?)0+(?=\d)/, '$1');
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`.replace(/\.?0+$/, '');
}

/**
 * Keys sorted by their UTF-8 bytes, as Go's `sort.Strings` (the official SDK) and UCloud's gateway
 * sort them. JavaScript's default sort compares UTF-16 code units, which orders characters above
 * U+FFFF differently.
 */
export function sortedKeys(params: Readonly<Record<string, string>>): string[] {
  return Object.keys(params).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/**
 * The UCloud signature: SHA-1, lowercase hex, over every flattened parameter except `Signature`
 * (so `PublicKey` and `SecurityToken` are signed), sorted by key, concatenated as `key + value`
 * with no separator and no URL encoding, followed by the private key. There is no timestamp or nonce.
 */
export function signUcloud(params: Readonly<Record<string, string>>, privateKey: string): string {
  const hash = createHash('sha1');
  for (const key of sortedKeys(params)) {
    if (key === 'Signature') continue;
    hash.update(key, 'utf8').update(params[key] as string, 'utf8');
  }
  return hash.update(privateKey, 'utf8').digest('hex');
}

export interface SignedUcloudInput {
  readonly action: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly securityToken?: string | undefined;
  readonly params: { readonly [key: string]: UcloudParamValue };
}

/** Every parameter of a signed request, flattened and with `PublicKey` and `Signature`, ready to send as a form. */
export function signedUcloudParams(input: SignedUcloudInput): Record<string, string> {
  const params = flattenParams({
    ...input.params,
    Action: input.action,
    PublicKey: input.publicKey,
    ...(input.securityToken ? { SecurityToken: input.securityToken } : {}),
  });
  params.Signature = signUcloud(params, input.privateKey);
  return params;
}
