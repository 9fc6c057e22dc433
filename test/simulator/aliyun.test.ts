import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { signedRpcParams, signV1, toQueryString } from '../../src/providers/aliyun/signer.js';
import { type Simulator, seededFleet, startSimulator } from '../../src/simulator/index.js';
import { ALI_KEY_ID, ALI_SECRET, aliyunFleet, SIM_NOW } from '../helpers/aliyun-sim.js';

interface Call {
  method?: 'GET' | 'POST';
  params?: Readonly<Record<string, string>>;
  secret?: string;
  nonce?: string;
  now?: number;
  drop?: readonly string[];
  /** Parameters that signedRpcParams fixes (Format, Version...), replaced and then signed again. */
  resign?: Readonly<Record<string, string>>;
}

describe('the simulated Alibaba RDS API', () => {
  let sim: Simulator;
  const clock = manualClock(SIM_NOW);

  beforeEach(async () => {
    clock.set(SIM_NOW);
    sim = await startSimulator({ fleet: aliyunFleet({ 'rm-a': 75 }), clock });
  });
  afterEach(async () => {
    await sim.close();
  });

  /** A signed RPC v1 DescribeBackups call; `drop` removes parameters after signing. */
  async function call(c: Call = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const method = c.method ?? 'GET';
    const params = signedRpcParams({
      method,
      action: 'DescribeBackups',
      version: '2014-08-15',
      accessKeyId: ALI_KEY_ID,
      accessKeySecret: c.secret ?? ALI_SECRET,
      now: c.now ?? clock(),
      ...(c.nonce !== undefined && { nonce: c.nonce }),
      params: { RegionId: 'cn-hangzhou', DBInstanceId: 'rm-a', ...c.params },
    });
    if (c.resign) {
      Object.assign(params, c.resign);
      params.Signature = signV1(method, params, c.secret ?? ALI_SECRET);
    }
    for (const name of c.drop ?? []) delete params[name];
    const query = toQueryString(params);
    const res =
      method === 'GET'
        ? await fetch(`${sim.url}/?${query}`)
        : await fetch(`${sim.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('pages with the default PageSize of 30 and counts as strings', async () => {
    const { status, body } = await call({ params: { PageNumber: '3' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ TotalRecordCount: '75', PageNumber: '3', PageRecordCount: '15' });
  });

  it('filters by BackupStatus and a StartTime/EndTime window', async () => {
    const failed = await call({ params: { BackupStatus: 'Failed', PageSize: '100' } });
    expect(failed.body.TotalRecordCount).toBe('8');
    const window = await call({ params: { StartTime: '2026-02-27T00:00Z', EndTime: '2026-03-01T00:00Z' } });
    expect(window.body.TotalRecordCount).toBe('2');
  });

  it.each([
    [{ params: { PageSize: '20' } }, 400, 'InvalidParameter'],
    [{ params: { PageNumber: '0' } }, 400, 'InvalidPageNumbers.Malformed'],
    [{ params: { DBInstanceId: 'rm-nope' } }, 404, 'InvalidDBInstanceId.NotFound'],
    [{ params: { RegionId: 'cn-beijing' } }, 404, 'InvalidDBInstanceId.NotFound'],
    [{ resign: { Format: 'XML' } }, 400, 'InvalidParameter'],
    [{ resign: { Version: '2013-05-28' } }, 400, 'InvalidVersion'],
    [{ params: { StartTime: 'yesterday' } }, 400, 'InvalidStartTime.Format'],
    [{ secret: 'wrong' }, 400, 'SignatureDoesNotMatch'],
    [{ method: 'POST' as const, secret: 'wrong' }, 400, 'SignatureDoesNotMatch'],
    [{ now: SIM_NOW - 16 * 60_000 }, 400, 'InvalidTimeStamp.Expired'],
    [{ drop: ['SignatureNonce'] }, 400, 'IncompleteSignature'],
  ] as const)('answers %j with HTTP %i %s', async (c, status, code) => {
    const res = await call(c);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ Code: code, HostId: 'rds.aliyuncs.com' });
    expect(res.body.RequestId).toEqual(expect.any(String));
  });

  it('accepts a POST form body signed like a GET', async () => {
    expect((await call({ method: 'POST' })).status).toBe(200);
  });

  it('refuses a nonce used within 15 minutes and accepts it again later', async () => {
    expect((await call({ nonce: 'n-1' })).status).toBe(200);
    expect((await call({ nonce: 'n-1' })).body.Code).toBe('SignatureNonceUsed');
    clock.advance(16 * 60_000);
    expect((await call({ nonce: 'n-1' })).status).toBe(200);
  });

  it('answers an unknown access key with HTTP 404 InvalidAccessKeyId.NotFound', async () => {
    const params = signedRpcParams({
      method: 'GET',
      action: 'DescribeBackups',
      version: '2014-08-15',
      accessKeyId: 'LTAI-unknown',
      accessKeySecret: 'x',
      now: clock(),
      params: { DBInstanceId: 'rm-a' },
    });
    const res = await fetch(`${sim.url}/?${toQueryString(params)}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ Code: 'InvalidAccessKeyId.NotFound' });
  });

  it('injects queued faults with Alibaba error bodies, scoped to an instance', async () => {
    sim.faults.failNext(1, 'throttle', { instance: 'rm-other' }).failNext(1, 'server-error');
    const first = await call();
    expect(first).toMatchObject({ status: 503, body: { Code: 'ServiceUnavailable' } });
    expect((await call()).status).toBe(200);
    expect(sim.faults.state().queued).toHaveLength(1);
  });

  it('cuts a malformed answer so it is no longer JSON', async () => {
    sim.faults.failNext(1, 'malformed');
    const params = signedRpcParams({
      method: 'GET',
      action: 'DescribeBackups',
      version: '2014-08-15',
      accessKeyId: ALI_KEY_ID,
      accessKeySecret: ALI_SECRET,
      now: clock(),
      params: { DBInstanceId: 'rm-a' },
    });
    const res = await fetch(`${sim.url}/?${toQueryString(params)}`);
    await expect(res.json()).rejects.toThrow();
  });

  it('repeats the same background faults for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      sim.faults.setRates({ throttleRate: 0.3, errorRate: 0.2, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await call()).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(400);
    expect(first).toContain(503);
  });

  it('is driven over its control API: add a backup, set faults, read the fleet', async () => {
    const added = await fetch(`${sim.url}/_sim/instances/rm-a/backups`, {
      method: 'POST',
      body: JSON.stringify({ status: 'Failed', startedAt: '2026-03-01T05:00:00Z', endedAt: '2026-03-01T05:10:00Z' }),
    });
    expect(added.status).toBe(201);
    const faults = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ failNext: { count: 2, fault: 'throttle' } }),
    });
    expect(await faults.json()).toMatchObject({ queued: [{ fault: 'throttle', remaining: 2 }] });
    const fleet = (await (await fetch(`${sim.url}/_sim/fleet`)).json()) as {
      accounts: object[];
      instances: { backups: { status: string }[] }[];
    };
    expect(fleet.instances[0]?.backups[0]?.status).toBe('Failed');
    expect(JSON.stringify(fleet)).not.toContain(ALI_SECRET);
    const bad = await fetch(`${sim.url}/_sim/instances/rm-x/backups`, {
      method: 'POST',
      body: JSON.stringify({ status: 'Success', startedAt: 1 }),
    });
    expect(bad.status).toBe(404);
  });
});

describe('the seeded fleet', () => {
  it('builds the same fleet for the same seed', () => {
    const options = { seed: 11, now: SIM_NOW, instances: 3, days: 30 };
    expect(seededFleet(options).snapshot()).toEqual(seededFleet(options).snapshot());
    expect(seededFleet({ ...options, seed: 12 }).snapshot()).not.toEqual(seededFleet(options).snapshot());
  });

  it('lists each instance newest first, with daily backups and some failures', () => {
    const fleet = seededFleet({ seed: 3, now: SIM_NOW, instances: 4, days: 90, failureRate: 0.1 });
    const instances = fleet.instances();
    expect(instances).toHaveLength(4);
    for (const instance of instances) {
      const starts = instance.backups.map((b) => b.startedAt);
      expect(starts).toEqual([...starts].sort((a, b) => b - a));
      expect(instance.backups.length).toBeGreaterThanOrEqual(89);
      expect(starts.every((t) => t <= SIM_NOW)).toBe(true);
    }
    expect(instances.flatMap((i) => i.backups).some((b) => b.status === 'Failed')).toBe(true);
  });
});
