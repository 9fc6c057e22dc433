import { describe, expect, it } from 'vitest';
import { classifyUcloudError, ucloudError } from '../../../src/providers/ucloud/errors.js';

describe('UCloud RetCode mapping', () => {
  it.each([
    [153, 'API call frequency exceeds the limit', 200, 'throttled', false],
    [150, 'Service unavailable', 200, 'server', false],
    [110, 'API timeout', 200, 'timeout', false],
    [130, 'Service error and break', 200, 'auth', true],
    [160, 'Missing Action', 200, 'client', true],
    [161, 'Action not exists', 200, 'client', true],
    [170, 'Missing signature', 200, 'auth', true],
    [171, 'Signature VerifyAC Error', 200, 'auth', true],
    [172, 'User Not Exists', 200, 'auth', true],
    [174, 'Token not exists', 200, 'auth', true],
    [292, 'Project not exists', 200, 'client', true],
    [293, 'Zone permission denied', 200, 'auth', true],
    [294, 'IP denied', 200, 'auth', true],
    [295, 'Security lock failed', 200, 'auth', true],
    [299, 'IAM permission denied', 200, 'auth', true],
    [297, 'something new in the IAM range', 200, 'auth', true],
    [230, 'Params [InstanceID] not available', 200, 'not-found', true],
    [230, 'Params [Id] not available', 200, 'not-found', true],
    [230, 'Params [Limit] not available', 200, 'client', true],
    [220, 'Missing params [Zone]', 200, 'client', true],
    [18000, 'UPgSQL instance does not exist', 200, 'not-found', true],
    [8039, 'db instance not found', 200, 'not-found', true],
    [5001, '实例不存在', 200, 'not-found', true],
    [5002, 'quota exceeded', 200, 'client', true],
    [5003, 'internal', 503, 'server', false],
  ] as const)('treats RetCode %i %j (HTTP %i) as %s (permanent: %s)', (retCode, message, status, kind, permanent) => {
    expect(classifyUcloudError(retCode, message, status)).toMatchObject({ kind, permanent });
  });

  it('never takes a documented gateway code for not-found, whatever its text says', () => {
    expect(classifyUcloudError(172, 'User Not Exists', 200).kind).toBe('auth');
    expect(classifyUcloudError(292, 'Project does not exist', 200).kind).toBe('client');
  });

  it('builds the message from the Action, RetCode, text and request id, and masks a known secret', () => {
    const err = ucloudError('ListUPgSQLBackup', { RetCode: 230, Message: 'bad key 46f09bb9fab4 in request' }, 200, 'c0ffee-1', [
      '46f09bb9fab4',
    ]);
    expect(err.message).toBe('ucloud ListUPgSQLBackup RetCode 230: bad key [redacted] in request (request c0ffee-1)');
    expect(err).toMatchObject({ kind: 'client', code: '230', httpStatus: 200, requestId: 'c0ffee-1' });
  });

  it('says which HTTP status came with an error sent outside HTTP 200', () => {
    expect(ucloudError('ListTiDBClusterBackup', { RetCode: 150, Message: 'Service unavailable' }, 503, undefined, []).message).toBe(
      'ucloud ListTiDBClusterBackup RetCode 150: Service unavailable (HTTP 503)',
    );
  });
});
