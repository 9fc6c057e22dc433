import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalUri,
  rfc3986,
  type SignableRequest,
  sdkDate,
  sdkSignature,
  signRequest,
  verifySdkRequest,
} from '../../../src/providers/huaweicloud/signer.js';

/** The SDK reads only getAk/getSk from the credential when signing. */
const credential = (ak: string, sk: string): ICredential => ({ getAk: () => ak, getSk: () => sk }) as unknown as ICredential;
const sdkAuthorization = (request: object, ak: string, sk: string): string =>
  (AKSKSigner.sign(request, credential(ak, sk)) as Record<string, string>).Authorization as string;

describe('SDK-HMAC-SHA256 documented vectors', () => {
  it('signs the documented VPC listing exactly (content-type, host and x-sdk-date signed)', () => {
    const headers = signRequest({
      request: {
        method: 'GET',
        path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
        query: [
          ['limit', '2'],
          ['marker', '13551d6b-755d-4757-b956-536f674975c0'],
        ],
        headers: { 'Content-Type': 'application/json' },
      },
      host: 'service.region.example.com',
      accessKey: 'QTWAOYTTINDUT2QVKYUC',
      secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
      now: Date.UTC(2019, 10, 15, 3, 36, 55),
    });
    expect(headers).toEqual({
      'X-Sdk-Date': '20191115T033655Z',
      Authorization:
        'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, ' +
        'Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    });
  });

  const minimal = (method: string, query: [string, string][], body?: string): SignableRequest => ({
    method,
    path: '/path',
    query,
    headers: { host: 'example.huaweicloud.com', 'x-sdk-date': '20060102T150405Z' },
    ...(body !== undefined && { body }),
  });

  it('signs the documented GET with only x-sdk-date signed', () => {
    expect(sdkSignature(minimal('GET', [['limit', '1']]), ['x-sdk-date'], '20060102T150405Z', 'SecretKey')).toBe(
      '5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
    );
  });

  it('signs the documented POST with a body and only x-sdk-date signed', () => {
    expect(
      sdkSignature(minimal('POST', [['key', 'value']], '{"Name":"test","Id":1}\n'), ['x-sdk-date'], '20060102T150405Z', 'SecretKey'),
    ).toBe('cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59');
  });

  it('agrees with the official SDK on the documented VPC listing', () => {
    const authorization = sdkAuthorization(
      {
        method: 'GET',
        endpoint: 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
        queryParams: { limit: '2', marker: '13551d6b-755d-4757-b956-536f674975c0' },
        headers: { 'Content-Type': 'application/json', 'X-Sdk-Date': '20191115T033655Z' },
      },
      'QTWAOYTTINDUT2QVKYUC',
      'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
    );
    expect(authorization).toMatch(/Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe$/);
  });
});

describe('SDK-HMAC-SHA256 canonical forms', () => {
  it('encodes everything but unreserved characters, + as %2B and space as %20', () => {
    expect(rfc3986("a+b c~d*e'f(g)h!é/")).toBe('a%2Bb%20c~d%2Ae%27f%28g%29h%21%C3%A9%2F');
  });

  it('appends a trailing slash and normalises equivalent encodings of a path', () => {
    expect(canonicalUri('/v3/p1/backups')).toBe('/v3/p1/backups/');
    expect(canonicalUri('/v3/p1/backups/')).toBe('/v3/p1/backups/');
    expect(canonicalUri('/a%7Eb/c%20d')).toBe(canonicalUri('/a~b/c%20d'));
  });

  it('sorts by name, then repeated names by value', () => {
    expect(
      canonicalQuery([
        ['b', '2'],
        ['a', 'z'],
        ['a', 'y'],
        ['A', '1'],
      ]),
    ).toBe('A=1&a=y&a=z&b=2');
  });
});

/** Path characters Node's legacy url.parse (which the SDK uses) passes through unchanged. */
const pathChar = fc.constantFrom(...('abcXYZ019-_.~!$&()*+,;=:@%é中😀'.match(/./gu) as string[]));
const segment = fc.string({ unit: pathChar, minLength: 1, maxLength: 8 }).filter((s) => s !== '.' && s !== '..');
const queryText = (minLength: number) =>
  fc.string({
    minLength,
    maxLength: 10,
    unit: fc.oneof(
      fc.constantFrom(' ', '+', '=', '&', '%', '~', '*', "'", '/', '?', 'é', '中', '😀'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
    ),
  });
/** Header names as real clients send them; mixed case, unique case-insensitively, none the signer sets itself. */
const reserved = new Set(['host', 'x-sdk-date', 'authorization', 'x-sdk-content-sha256']);
const headerName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,14}$/).filter((n) => !reserved.has(n.toLowerCase()));
/** Visible ASCII with inner spaces; no surrounding whitespace, which HTTP strips anyway and the SDK does not trim. */
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,18}[!-~])?$/);

const request = fc.record({
  method: fc.constantFrom('GET', 'GET', 'POST'),
  host: fc.constantFrom('rds.eu-de.otc.t-systems.com', 'dds.ap-southeast-1.myhuaweicloud.com', '127.0.0.1:8443'),
  segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
  trailingSlash: fc.boolean(),
  query: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom('instance_id', 'offset', 'limit', 'a'), queryText(0)), queryText(0)), { maxLength: 8 })
    .map((q) => q.filter(([k]) => k !== '__proto__')),
  headers: fc.uniqueArray(fc.tuple(headerName, headerValue), { maxLength: 4, selector: ([n]) => n.toLowerCase() }),
  unsigned: fc.boolean(),
  data: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), {
    minKeys: 1,
    maxKeys: 4,
  }),
  ak: fc.stringMatching(/^[A-Z0-9]{20}$/),
  sk: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  now: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => Math.floor(ms / 1000) * 1000),
});

type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** The same request in our shape (path as sent, encoded) and in the SDK's (raw path in `endpoint`, grouped query). */
function both(r: Generated): { ours: SignableRequest; sdk: object; extraHeaders: Record<string, string> } {
  const rawPath = `/${r.segments.join('/')}${r.trailingSlash ? '/' : ''}`;
  const path = `/${r.segments.map(rfc3986).join('/')}${r.trailingSlash ? '/' : ''}`;
  const extraHeaders: Record<string, string> = Object.fromEntries(r.headers);
  if (r.unsigned) extraHeaders['X-Sdk-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
  const queryParams: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of r.query) {
    const prev = queryParams[k];
    queryParams[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const post = r.method === 'POST';
  return {
    ours: { method: r.method, path, query: r.query, headers: extraHeaders, ...(post && { body: JSON.stringify(r.data) }) },
    sdk: {
      method: r.method,
      endpoint: `https://${r.host}${rawPath}`,
      queryParams,
      headers: { ...extraHeaders, 'X-Sdk-Date': sdkDate(r.now) },
      ...(post && { data: r.data }),
    },
    extraHeaders,
  };
}

describe('SDK-HMAC-SHA256 against the official @huaweicloud/huaweicloud-sdk-core signer', () => {
  it('writes a byte-identical Authorization header for any path, query, header set, body and key', () => {
    fc.assert(
      fc.property(request, (r) => {
        const { ours, sdk } = both(r);
        const signed = signRequest({ request: ours, host: r.host, accessKey: r.ak, secretKey: r.sk, now: r.now });
        expect(signed.Authorization).toBe(sdkAuthorization(sdk, r.ak, r.sk));
      }),
      { numRuns: 400 },
    );
  });

  it("accepts in the simulator's verifier what the SDK signs, and rejects it once the query is tampered with", () => {
    fc.assert(
      fc.property(request, queryText(1), (r, extra) => {
        const { ours, sdk } = both(r);
        const sent = AKSKSigner.sign(sdk, credential(r.ak, r.sk)) as Record<string, string>;
        const received: SignableRequest = { ...ours, headers: sent };
        const opts = { secretFor: (ak: string) => (ak === r.ak ? r.sk : undefined), now: r.now + 60_000, maxSkewMs: 15 * 60_000 };

        expect(verifySdkRequest(received, opts)).toEqual({ ok: true, accessKey: r.ak });
        const tampered = { ...received, query: [...received.query, ['limit', extra] as const] };
        expect(verifySdkRequest(tampered, opts)).toMatchObject({ ok: false, reason: 'mismatch' });
      }),
      { numRuns: 150 },
    );
  });

  it('refuses an unknown key, a date beyond 15 minutes and a missing signed header', () => {
    const req: SignableRequest = { method: 'GET', path: '/v3/p/backups', query: [['instance_id', 'i1']], headers: { 'x-trace': 'abc' } };
    const now = Date.UTC(2026, 2, 1, 6);
    const signed = signRequest({ request: req, host: 'h.example', accessKey: 'AK1', secretKey: 'SK1', now });
    const headers: Record<string, string> = { 'x-trace': 'abc', ...signed, host: 'h.example' };
    const received: SignableRequest = { ...req, headers };
    const opts = { secretFor: (ak: string) => (ak === 'AK1' ? 'SK1' : undefined), now, maxSkewMs: 15 * 60_000 };

    expect(verifySdkRequest(received, opts).ok).toBe(true);
    expect(verifySdkRequest(received, { ...opts, secretFor: () => undefined })).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(verifySdkRequest(received, { ...opts, now: now + 16 * 60_000 })).toMatchObject({ ok: false, reason: 'expired' });
    const { 'x-trace': _dropped, ...withoutTrace } = headers;
    expect(verifySdkRequest({ ...received, headers: withoutTrace }, opts)).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
