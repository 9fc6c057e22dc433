import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ALI_KEY_ID, ALI_REGION, ALI_SECRET, aliyunFleet } from '../helpers/aliyun-sim.js';

/** The part of a DescribeBackups answer these tests read, as pop-core returns it (parsed JSON). */
interface DescribeBackupsAnswer {
  TotalRecordCount: string;
  PageNumber: string;
  PageRecordCount: string;
  Items: { Backup: { BackupId: number; BackupStatus: string; BackupDownloadURL: string }[] };
}

/** What pop-core attaches to the Error it throws for an error body. */
interface PopCoreError extends Error {
  code: string;
  data: { Code: string; Message: string; RequestId: string; HostId: string };
}

describe('the simulator, called by the official @alicloud/pop-core RPC client', () => {
  let sim: Simulator;
  // pop-core stamps requests with the real time, so this simulator runs on the system clock.
  beforeAll(async () => {
    sim = await startSimulator({ fleet: aliyunFleet({ 'rm-pop': 40 }), clock: systemClock });
  });
  afterAll(async () => {
    await sim.close();
  });

  const client = (accessKeySecret = ALI_SECRET) => new RPCClient({ accessKeyId: ALI_KEY_ID, accessKeySecret, endpoint: sim.url, apiVersion: '2014-08-15' });

  it('accepts a signed GET and answers the first page of 30', async () => {
    const answer = await client().request<DescribeBackupsAnswer>('DescribeBackups', { RegionId: ALI_REGION, DBInstanceId: 'rm-pop', PageSize: 30 }, { method: 'GET' });

    expect(answer).toMatchObject({ TotalRecordCount: '40', PageNumber: '1', PageRecordCount: '30' });
    const newest = sim.fleet.instance('rm-pop')?.backups[0];
    expect(answer.Items.Backup).toHaveLength(30);
    expect(String(answer.Items.Backup[0]?.BackupId)).toBe(newest?.id);
    expect(answer.Items.Backup[0]?.BackupDownloadURL).toMatch(/[?&]Signature=.*/);
  });

  it('accepts a signed POST with the parameters in a form body and answers the requested page', async () => {
    const answer = await client().request<DescribeBackupsAnswer>('DescribeBackups', { RegionId: ALI_REGION, DBInstanceId: 'rm-pop', PageSize: 30, PageNumber: 2 }, { method: 'POST' });

    expect(answer).toMatchObject({ TotalRecordCount: '40', PageNumber: '2', PageRecordCount: '10' });
    const last = sim.requests.of('aliyun/rds').at(-1);
    expect(last).toMatchObject({ method: 'POST', status: 200, params: { PageNumber: '2', PageSize: '30' } });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch, which pop-core surfaces as err.code and err.data', async () => {
    const err = (await client('not-the-secret')
      .request('DescribeBackups', { RegionId: ALI_REGION, DBInstanceId: 'rm-pop' }, { method: 'GET' })
      .catch((e: unknown) => e)) as PopCoreError;

    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.data).toMatchObject({ Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.', HostId: 'rds.aliyuncs.com' });
    expect(err.data.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('answers an unknown instance with InvalidDBInstanceId.NotFound', async () => {
    const err = (await client()
      .request('DescribeBackups', { RegionId: ALI_REGION, DBInstanceId: 'rm-missing' }, { method: 'GET' })
      .catch((e: unknown) => e)) as PopCoreError;

    expect(err.code).toBe('InvalidDBInstanceId.NotFound');
  });

  it('answers an action it does not simulate with InvalidAction.NotFound', async () => {
    const err = (await client()
      .request('DescribeDBInstances', { RegionId: ALI_REGION }, { method: 'GET' })
      .catch((e: unknown) => e)) as PopCoreError;

    expect(err.code).toBe('InvalidAction.NotFound');
  });
});
