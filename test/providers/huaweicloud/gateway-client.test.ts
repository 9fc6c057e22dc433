import { describe, expect, it } from 'vitest';
import { backupsQuery, filterTime } from '../../../src/providers/huaweicloud/backup-listing.js';
import { huaweiDdsEndpoint } from '../../../src/providers/huaweicloud/dds-backups.js';
import { classifyGatewayError, gatewayResponseError } from '../../../src/providers/huaweicloud/errors.js';
import { DEFAULT_IAM_ENDPOINT, GatewayClient, queryString } from '../../../src/providers/huaweicloud/gateway-client.js';
import { IamTokenCache } from '../../../src/providers/huaweicloud/iam.js';
import { otcRdsEndpoint } from '../../../src/providers/huaweicloud/otc-rds-backups.js';
import { testProviderContext } from '../../helpers/provider-context.js';

const AUG_6 = Date.UTC(2018, 7, 6, 10, 41, 14);
const window = { begin: AUG_6, end: AUG_6 + 10 * 86_400_000 };

describe('query encoding for the gateway', () => {
  it('writes OTC filter times with an offset and sends the + as %2B', () => {
    expect(filterTime(AUG_6, 'offset')).toBe('2018-08-06T10:41:14+0000');
    expect(queryString(backupsQuery({ instanceId: 'i1', offset: 0, limit: 100, window, timeFormat: 'offset' }))).toBe(
      'instance_id=i1&offset=0&limit=100&begin_time=2018-08-06T10%3A41%3A14%2B0000&end_time=2018-08-16T10%3A41%3A14%2B0000',
    );
  });

  it('writes DDS filter times in UTC with a space and sends the space as %20', () => {
    expect(filterTime(AUG_6, 'utc-space')).toBe('2018-08-06 10:41:14');
    expect(queryString(backupsQuery({ offset: 200, limit: 100, window, timeFormat: 'utc-space' }))).toBe(
      'offset=200&limit=100&begin_time=2018-08-06%2010%3A41%3A14&end_time=2018-08-16%2010%3A41%3A14',
    );
  });

  it('leaves the window out unless asked, and instance_id out when listing a whole project', () => {
    expect(backupsQuery({ offset: 0, limit: 100, timeFormat: 'utc-space' })).toEqual([
      ['offset', '0'],
      ['limit', '100'],
    ]);
  });

  it('builds the project URL under /v3/{project_id}/ of the endpoint, ignoring trailing slashes', () => {
    const client = new GatewayClient(testProviderContext({ clock: () => 0 }), {
      endpoint: `${otcRdsEndpoint('eu-de')}/`,
      projectId: '0483b6b16e954cb88930a360d2c4e663',
      auth: { type: 'aksk', accessKey: 'AK', secretKey: 'SK' },
      tokens: new IamTokenCache(),
      label: 'otc rds',
    });
    expect(client.url('backups', [['instance_id', 'a b+c']])).toBe(
      'https://rds.eu-de.otc.t-systems.com/v3/0483b6b16e954cb88930a360d2c4e663/backups?instance_id=a%20b%2Bc',
    );
  });

  it('defaults endpoints per cloud and region', () => {
    expect(otcRdsEndpoint('eu-de')).toBe('https://rds.eu-de.otc.t-systems.com');
    expect(huaweiDdsEndpoint('ap-southeast-1')).toBe('https://dds.ap-southeast-1.myhuaweicloud.com');
    expect(DEFAULT_IAM_ENDPOINT.otc('eu-de')).toBe('https://iam.eu-de.otc.t-systems.com');
    expect(DEFAULT_IAM_ENDPOINT.huaweicloud('ap-southeast-1')).toBe('https://iam.ap-southeast-1.myhuaweicloud.com');
  });
});

describe('gateway error classification', () => {
  it.each([
    ['APIG.0308', 429, 'throttled', false],
    [undefined, 429, 'throttled', false],
    ['APIG.0301', 401, 'auth', true],
    ['APIG.0303', 401, 'auth', true],
    ['APIG.0307', 401, 'auth', true],
    ['APIG.0201', 400, 'client', true],
    ['APIG.0201', 413, 'client', true],
    ['APIG.0201', 502, 'server', false],
    ['APIG.0201', 504, 'server', false],
    ['DBS.200002', 404, 'not-found', true],
    ['DBS.200022', 409, 'client', true],
    ['DBS.108000', 500, 'server', false],
    [undefined, 503, 'server', false],
    [undefined, 403, 'auth', true],
  ] as const)('%s with HTTP %i is %s (permanent: %s)', (code, status, kind, permanent) => {
    expect(classifyGatewayError(code, status)).toMatchObject({ kind, permanent });
  });

  const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers(headers),
    text: typeof body === 'string' ? body : JSON.stringify(body),
  });

  it('honours Retry-After and prefers the X-Request-Id header for the request id', () => {
    const err = gatewayResponseError(
      'otc rds',
      response(
        429,
        { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached', request_id: 'body-id' },
        { 'retry-after': '7', 'x-request-id': 'header-id' },
      ),
      [],
    );
    expect(err).toMatchObject({ kind: 'throttled', code: 'APIG.0308', retryAfterMs: 7000, requestId: 'header-id', httpStatus: 429 });
    expect(err.message).toBe('otc rds APIG.0308: The throttling threshold has been reached (request header-id)');
  });

  it('reads IAM error bodies and masks secrets the provider echoes', () => {
    const err = gatewayResponseError(
      'otc rds IAM',
      response(401, { error: { code: 401, message: 'password s3cret-pass is wrong', title: 'Unauthorized' } }),
      ['s3cret-pass'],
    );
    expect(err).toMatchObject({ kind: 'auth', code: '401', permanent: true });
    expect(err.message).toBe('otc rds IAM 401: Unauthorized: password [redacted] is wrong');
  });

  it('classifies a body that is not an error shape by its status alone', () => {
    expect(gatewayResponseError('huaweicloud dds', response(502, '<html>Bad Gateway</html>'), [])).toMatchObject({
      kind: 'server',
      permanent: false,
      httpStatus: 502,
    });
  });
});
