import openApiUtil from '@alicloud/openapi-util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedRpcParams, signV1 } from '../../../src/providers/aliyun/signer.js';

// A CommonJS package with `exports.default = Client`: Node's ESM loader (and tsc under NodeNext)
// give module.exports, with the class at `.default`; vitest unwraps `.default` itself. Accept both.
const OpenApiUtil = ('default' in openApiUtil ? openApiUtil.default : openApiUtil) as typeof openApiUtil.default;

const DOCUMENTED_PARAMS = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26',
};

/** Characters the percent-encoding rules single out, mixed with plain and non-ASCII text. */
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
  'é',
  '中',
  '😀',
  '\u00a0',
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
    maxLength: 24,
    unit: fc.oneof(
      { weight: 3, arbitrary: tricky },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
    ),
  });

/**
 * Parameter names: never `Signature` (signV1 leaves it out, getRPCSignature would sign it) and never
 * `__proto__` (openapi-util copies params into a plain object, where that key would vanish).
 */
const paramName = text(1).filter((k) => k !== 'Signature' && k !== '__proto__');

const request = fc.record({
  method: fc.constantFrom('GET' as const, 'POST' as const),
  params: fc
    .uniqueArray(fc.tuple(paramName, text(0)), { minLength: 1, maxLength: 12, selector: ([k]) => k })
    .map((entries) => Object.fromEntries(entries) as Record<string, string>),
  secret: text(1),
});

describe('Alibaba RPC signature v1', () => {
  it('reproduces the documented vector', () => {
    expect(signV1('GET', DOCUMENTED_PARAMS, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('agrees with the official openapi-util on the documented vector', () => {
    expect(OpenApiUtil.getRPCSignature(DOCUMENTED_PARAMS, 'GET', 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('is byte-identical to openapi-util getRPCSignature for any parameters, method and secret', () => {
    fc.assert(
      fc.property(request, ({ method, params, secret }) => {
        // getRPCSignature appends the '&' to the secret itself and signs the method as given (upper case here).
        expect(signV1(method, params, secret)).toBe(OpenApiUtil.getRPCSignature(params, method, secret));
      }),
      { numRuns: 600 },
    );
  });

  it('leaves an existing Signature parameter out of what it signs', () => {
    expect(signV1('GET', { ...DOCUMENTED_PARAMS, Signature: 'stale' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('signs every parameter of a complete request so the official verifier accepts it', () => {
    const params = signedRpcParams({
      method: 'GET',
      action: 'DescribeBackups',
      version: '2014-08-15',
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      now: Date.parse('2024-05-06T07:08:09.123Z'),
      nonce: 'fixed-nonce',
      params: { RegionId: 'cn-hangzhou', DBInstanceId: 'rm-1', PageSize: '100', PageNumber: '1' },
    });
    const { Signature, ...signed } = params;
    expect(params.Timestamp).toBe('2024-05-06T07:08:09Z');
    expect(Signature).toBe(OpenApiUtil.getRPCSignature(signed, 'GET', 'testsecret'));
  });
});
