import { describe, expect, it } from 'vitest';
import { aliyunResponseError, classifyAliyunError } from '../../../src/providers/aliyun/errors.js';
import type { HttpResponse } from '../../../src/providers/http.js';

const response = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: new Headers(headers),
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('Alibaba error mapping', () => {
  it.each([
    ['Throttling', 400, 'throttled', false],
    ['Throttling.User', 400, 'throttled', false],
    ['Throttling.Api', 400, 'throttled', false],
    ['ServiceUnavailable', 503, 'server', false],
    ['InternalError', 500, 'server', false],
    ['SignatureNonceUsed', 400, 'client', false],
    ['SignatureDoesNotMatch', 400, 'auth', true],
    ['SignatureDoesNotMatch', 403, 'auth', true],
    ['IncompleteSignature', 400, 'auth', true],
    ['InvalidAccessKeyId.NotFound', 404, 'auth', true],
    ['InvalidAccessKeyId.Inactive', 400, 'auth', true],
    ['Forbidden.RAM', 403, 'auth', true],
    ['InvalidSecurityToken.Expired', 400, 'auth', true],
    ['InvalidTimeStamp.Expired', 400, 'auth', true],
    ['InvalidDBInstanceId.NotFound', 404, 'not-found', true],
    ['InvalidDBInstanceId.NotFound', 400, 'not-found', true],
    ['InvalidParameter', 400, 'client', true],
    ['SomethingNew', 502, 'server', false],
    ['SomethingNew', 403, 'auth', true],
  ] as const)('treats %s with HTTP %i as %s (permanent: %s)', (code, status, kind, permanent) => {
    expect(classifyAliyunError(code, status)).toMatchObject({ kind, permanent });
  });

  it('builds the message from code, provider message and request id', () => {
    const err = aliyunResponseError(
      response(400, {
        RequestId: '8A3B-1',
        HostId: 'rds.aliyuncs.com',
        Code: 'Throttling.User',
        Message: 'Request was denied due to user flow control.',
        Recommend: 'https://x',
      }),
      [],
    );
    expect(err).toMatchObject({ kind: 'throttled', permanent: false, code: 'Throttling.User', httpStatus: 400, requestId: '8A3B-1' });
    expect(err.message).toBe('aliyun Throttling.User: Request was denied due to user flow control. (request 8A3B-1)');
  });

  it('adds a clock hint to an expired timestamp', () => {
    const err = aliyunResponseError(
      response(400, { Code: 'InvalidTimeStamp.Expired', Message: 'Specified time stamp or date value is expired.' }),
      [],
    );
    expect(err.message).toMatch(/expired\.; check this machine's clock/);
  });

  it("cuts Alibaba's server string to sign, which can carry the security token", () => {
    const message =
      'Specified signature is not matched with our calculation. ' +
      'server string to sign is:GET&%2F&AccessKeyId%3DLTAI%26SecurityToken%3DCAIS-token';
    const err = aliyunResponseError(response(400, { Code: 'SignatureDoesNotMatch', Message: message }), []);
    expect(err.message).toBe('aliyun SignatureDoesNotMatch: Specified signature is not matched with our calculation.');
  });

  it('masks a known secret that shows up in provider text', () => {
    const err = aliyunResponseError(response(400, { Code: 'InvalidParameter', Message: 'bad value top-secret-123' }), ['top-secret-123']);
    expect(err.message).not.toContain('top-secret-123');
    expect(err.message).toContain('[redacted]');
  });

  it('maps a body that is not an Alibaba error by its HTTP status', () => {
    expect(aliyunResponseError(response(502, '<html>Bad Gateway</html>'), [])).toMatchObject({
      kind: 'server',
      permanent: false,
      httpStatus: 502,
    });
    expect(aliyunResponseError(response(429, '', { 'retry-after': '3' }), [])).toMatchObject({ kind: 'throttled', retryAfterMs: 3000 });
  });
});
