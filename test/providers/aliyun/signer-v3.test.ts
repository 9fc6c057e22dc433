import openApiUtil from '@alicloud/openapi-util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acs3Authorization, parseAcs3Authorization, sha256Hex, signedAcs3Headers } from '../../../src/providers/aliyun/signer-v3.js';

// A CommonJS package with `exports.default = Client`: see aliyun-signer.test.ts.
const OpenApiUtil = ('default' in openApiUtil ? openApiUtil.default : openApiUtil) as typeof openApiUtil.default;

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The documented vector (PROVIDERS.md §4): RunInstances, POST, empty body. */
const VECTOR = {
  method: 'POST',
  path: '/',
  query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_SHA256,
  },
  payloadHash: EMPTY_SHA256,
};
const VECTOR_SIGNATURE = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0';

const tricky = fc.constantFrom(
  ' ',
  '~',
  '*',
  "'",
  '!',
  '(',
  ')',
  '+',
  '/',
  '=',
  '&',
  '%',
  '?',
  '#',
  ':',
  ',',
  ';',
  'é',
  '中',
  '😀',
  '\t',
  'a',
  'Z',
  '0',
  '-',
  '_',
  '.',
);
const text = (minLength: number) =>
  fc.string({
    minLength,
    maxLength: 20,
    unit: fc.oneof({ weight: 3, arbitrary: tricky }, { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }) }),
  });
/**
 * Parameter names from the unreserved set: the SDK leaves names unencoded, the documentation encodes
 * them, and the two agree only there, which is where every real Alibaba parameter name lives.
 */
const paramName = fc
  .string({
    minLength: 1,
    maxLength: 16,
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~'.split('')),
  })
  .filter((k) => k !== '__proto__');
/** Signed (x-acs-*, host, content-type, in any case) and unsigned header names. */
const headerName = fc.oneof(
  fc.constantFrom(
    'host',
    'Host',
    'content-type',
    'Content-Type',
    'x-acs-action',
    'x-acs-version',
    'x-acs-date',
    'X-Acs-Signature-Nonce',
    'x-acs-security-token',
    'accept',
    'user-agent',
    'x-sdk-date',
  ),
  paramName.map((n) => `x-acs-${n.toLowerCase()}`),
  paramName,
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  query: fc.dictionary(paramName, text(0), { maxKeys: 10 }),
  headers: fc.dictionary(headerName, text(0), { maxKeys: 10 }),
  body: text(0),
  ak: paramName,
  secret: text(1),
});

describe('Alibaba signature v3 (ACS3-HMAC-SHA256)', () => {
  it('reproduces the documented vector', () => {
    expect(acs3Authorization(VECTOR, 'YourAccessKeyId', 'YourAccessKeySecret')).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,' +
        'SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,' +
        `Signature=${VECTOR_SIGNATURE}`,
    );
  });

  it('agrees with the official openapi-util getAuthorization on the documented vector', () => {
    const official = OpenApiUtil.getAuthorization(
      { ...VECTOR, pathname: '/' } as never,
      'ACS3-HMAC-SHA256',
      EMPTY_SHA256,
      'YourAccessKeyId',
      'YourAccessKeySecret',
    );
    expect(official).toBe(acs3Authorization(VECTOR, 'YourAccessKeyId', 'YourAccessKeySecret'));
  });

  it('is byte-identical to openapi-util getAuthorization for any query, headers, body, method and secret', () => {
    fc.assert(
      fc.property(request, ({ method, query, headers, body, ak, secret }) => {
        const payloadHash = sha256Hex(body);
        const official = OpenApiUtil.getAuthorization(
          { pathname: '/', method, query, headers } as never,
          'ACS3-HMAC-SHA256',
          payloadHash,
          ak,
          secret,
        );
        expect(acs3Authorization({ method, path: '/', query, headers, payloadHash }, ak, secret)).toBe(official);
      }),
      { numRuns: 600 },
    );
  });

  it('signs a complete RPC request so that the official signer computes the same Authorization', () => {
    const url = 'http://127.0.0.1:8123/?DBInstanceId=rm-1&RegionId=cn-hangzhou';
    const query = { DBInstanceId: 'rm-1', RegionId: 'cn-hangzhou' };
    const headers = signedAcs3Headers({
      url,
      method: 'POST',
      action: 'DescribeBackups',
      version: '2014-08-15',
      query,
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      now: Date.parse('2024-05-06T07:08:09.123Z'),
      nonce: 'abc123',
    });
    const { authorization, ...signed } = headers;

    expect(signed).toEqual({
      'x-acs-action': 'DescribeBackups',
      'x-acs-version': '2014-08-15',
      'x-acs-date': '2024-05-06T07:08:09Z',
      'x-acs-signature-nonce': 'abc123',
      'x-acs-content-sha256': EMPTY_SHA256,
    });
    const official = OpenApiUtil.getAuthorization(
      { pathname: '/', method: 'POST', query, headers: { ...signed, host: '127.0.0.1:8123' } } as never,
      'ACS3-HMAC-SHA256',
      EMPTY_SHA256,
      'testid',
      'testsecret',
    );
    expect(authorization).toBe(official);
  });

  it('reads back the credential, signed headers and signature of an Authorization header', () => {
    expect(
      parseAcs3Authorization(`ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host;x-acs-date,Signature=${VECTOR_SIGNATURE.toUpperCase()}`),
    ).toEqual({
      accessKeyId: 'AK1',
      signedHeaders: ['host', 'x-acs-date'],
      signature: VECTOR_SIGNATURE,
    });
    expect(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=AK1')).toBeUndefined();
    expect(parseAcs3Authorization('SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=00')).toBeUndefined();
  });
});
