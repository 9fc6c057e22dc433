import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { aliyunRdsInstances } from '../../src/providers/aliyun/instances.js';
import { type Simulator, setInstanceInfo, startSimulator } from '../../src/simulator/index.js';
import { ALI_KEY_ID, ALI_REGION, ALI_SECRET, aliyunAccountFor, aliyunFleet } from '../helpers/aliyun-sim.js';
import { testProviderContext } from '../helpers/provider-context.js';

/** The part of a DescribeBackups answer these tests read, as pop-core returns it (parsed JSON). */
interface DescribeBackupsAnswer {
  TotalRecordCount: string;
  PageNumber: string;
  PageRecordCount: string;
  Items: { Backup: { BackupId: number; BackupStatus: string; BackupDownloadURL: string }[] };
}

/** The part of a DescribeDBInstances answer compared with the adapter's listing. */
interface DescribeDBInstancesAnswer {
  TotalRecordCount: number;
  PageNumber: number;
  Items: { DBInstance: { DBInstanceId: string; DBInstanceType: string }[] };
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

  const client = (accessKeySecret = ALI_SECRET) =>
    new RPCClient({ accessKeyId: ALI_KEY_ID, accessKeySecret, endpoint: sim.url, apiVersion: '2014-08-15' });

  it('accepts a signed GET and answers the first page of 30', async () => {
    const answer = await client().request<DescribeBackupsAnswer>(
      'DescribeBackups',
      { RegionId: ALI_REGION, DBInstanceId: 'rm-pop', PageSize: 30 },
      { method: 'GET' },
    );

    expect(answer).toMatchObject({ TotalRecordCount: '40', PageNumber: '1', PageRecordCount: '30' });
    const newest = sim.fleet.instance('rm-pop')?.backups[0];
    expect(answer.Items.Backup).toHaveLength(30);
    expect(String(answer.Items.Backup[0]?.BackupId)).toBe(newest?.id);
    expect(answer.Items.Backup[0]?.BackupDownloadURL).toMatch(/[?&]Signature=.*/);
  });

  it('accepts a signed POST with the parameters in a form body and answers the requested page', async () => {
    const answer = await client().request<DescribeBackupsAnswer>(
      'DescribeBackups',
      { RegionId: ALI_REGION, DBInstanceId: 'rm-pop', PageSize: 30, PageNumber: 2 },
      { method: 'POST' },
    );

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
    expect(err.data).toMatchObject({
      Code: 'SignatureDoesNotMatch',
      Message: 'Specified signature is not matched with our calculation.',
      HostId: 'rds.aliyuncs.com',
    });
    expect(err.data.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('answers an unknown instance with InvalidDBInstanceId.NotFound', async () => {
    const err = (await client()
      .request('DescribeBackups', { RegionId: ALI_REGION, DBInstanceId: 'rm-missing' }, { method: 'GET' })
      .catch((e: unknown) => e)) as PopCoreError;

    expect(err.code).toBe('InvalidDBInstanceId.NotFound');
  });

  it('answers an action it does not simulate with InvalidAction.NotFound', async () => {
    // DescribeRegions is a real RDS 2014-08-15 action the simulator has no handler for.
    const err = (await client()
      .request('DescribeRegions', {}, { method: 'GET' })
      .catch((e: unknown) => e)) as PopCoreError;

    expect(err.code).toBe('InvalidAction.NotFound');
  });
});

describe('DescribeDBInstances through pop-core and through our adapter', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // 130 instances (two pages of 100), a read replica, a deleted one and one in another region.
    const ids = Array.from({ length: 130 }, (_, i) => `rm-list-${String(i).padStart(3, '0')}`);
    const fleet = aliyunFleet(Object.fromEntries(ids.map((id) => [id, 0])));
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rr-list-replica', regionId: ALI_REGION });
    setInstanceInfo(fleet, 'rr-list-replica', { replicaOf: 'rm-list-000' });
    setInstanceInfo(fleet, 'rm-list-007', { deleted: true });
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rm-elsewhere', regionId: 'cn-shanghai' });
    sim = await startSimulator({ fleet, clock: systemClock });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('gives the official client the same instance ids, page by page, as aliyunRdsInstances.list', async () => {
    const pop = new RPCClient({ accessKeyId: ALI_KEY_ID, accessKeySecret: ALI_SECRET, endpoint: sim.url, apiVersion: '2014-08-15' });
    const popIds: string[] = [];
    for (let page = 1; page <= 10; page++) {
      const answer = await pop.request<DescribeDBInstancesAnswer>(
        'DescribeDBInstances',
        { RegionId: ALI_REGION, PageSize: 100, PageNumber: page },
        { method: 'POST' },
      );
      expect(answer.TotalRecordCount).toBe(130);
      popIds.push(...answer.Items.DBInstance.map((i) => i.DBInstanceId));
      if (popIds.length >= answer.TotalRecordCount) break;
    }

    const ours = await aliyunRdsInstances.list(
      aliyunAccountFor(sim.url),
      'ali',
      { regions: [] },
      testProviderContext({ clock: systemClock }),
    );

    expect(popIds).toHaveLength(130);
    expect(ours.map((i) => i.instance)).toEqual(popIds);
    expect(popIds).toContain('rr-list-replica');
    expect(popIds).not.toContain('rm-list-007');
    expect(popIds).not.toContain('rm-elsewhere');
    expect(ours.find((i) => i.instance === 'rr-list-replica')).toMatchObject({ replica: true, primary: 'rm-list-000' });
    expect(sim.requests.of('aliyun/rds-instances').map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });
});
