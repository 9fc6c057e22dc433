import { describe, expect, it } from 'vitest';
import { hintFor } from '../../src/cli/doctor-view.js';

const ctx = { account: 'ali-prod', cloud: 'aliyun' as const, timeoutMs: 10_000 };

describe('doctor hints', () => {
  it('reads a signature mismatch as "check the secret and the clock", with the clock difference when there is one', () => {
    expect(
      hintFor({ kind: 'auth', error: 'aliyun SignatureDoesNotMatch: Specified signature is not matched with our calculation.' }, ctx),
    ).toBe('signature mismatch: check the secret and the clock');
    expect(hintFor({ kind: 'auth', error: 'aliyun SignatureDoesNotMatch: ...', serverClockOffsetMs: 17 * 60_000 + 4_000 }, ctx)).toBe(
      'signature mismatch: check the secret and the clock; server time differs by 17 min (this machine is behind)',
    );
  });

  it('leaves out a clock difference of a minute or less', () => {
    expect(hintFor({ kind: 'auth', error: 'ucloud RetCode 171: Signature VerifyAC Error', serverClockOffsetMs: -59_000 }, ctx)).toBe(
      'signature mismatch: check the secret and the clock',
    );
  });

  it('mentions the clock alone when the call otherwise worked', () => {
    expect(hintFor({ serverClockOffsetMs: -5 * 60_000 }, ctx)).toBe('server time differs by 5 min (this machine is ahead)');
  });

  it.each([
    ['auth', 'aliyun InvalidTimeStamp.Expired: Specified time stamp or date value is expired.', "check this machine's clock"],
    ['auth', 'aliyun InvalidAccessKeyId.NotFound: Specified access key is not found.', 'the key id is unknown to the provider'],
    ['auth', 'otc rds APIG.0301: Incorrect IAM authentication information: verify aksk signature fail', 'signature mismatch'],
    ['auth', 'aliyun Forbidden.RAM: User not authorized to operate on the specified resource.', 'may list backups'],
    ['not-found', 'aliyun InvalidDBInstanceId.NotFound', "check the target's instance id and region"],
    ['network', 'cannot reach 127.0.0.1:1: ECONNREFUSED', 'check the endpoint URL, DNS, firewalls and proxies'],
    ['timeout', 'no answer from x within 10000 ms', 'no answer within 10 s'],
    ['throttled', 'aliyun Throttling.User', 'lower accounts.ali-prod.rateLimit.perSecond'],
    ['server', 'aliyun ServiceUnavailable', 'try again later'],
    ['invalid-response', 'not JSON', 'check the endpoint URL'],
    ['config', 'accounts.ali-prod.accessKeySecret: environment variable ALI_SK is not set', 'set the environment variable'],
  ])('gives a %s failure a hint that says what to do (%s)', (kind, error, hint) => {
    expect(hintFor({ kind, error }, ctx)).toContain(hint);
  });

  it('asks for the zone too on UCloud, where the API needs it', () => {
    expect(hintFor({ kind: 'not-found', error: 'RetCode 230' }, { ...ctx, cloud: 'ucloud' })).toContain('instance id, region and zone');
  });
});
