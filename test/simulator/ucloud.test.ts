import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedUcloudParams, type UcloudParamValue } from '../../src/providers/ucloud/signer.js';
import type { Simulator } from '../../src/simulator/index.js';
import { UC_PRIVATE_KEY, UC_PUBLIC_KEY, UC_REGION, UC_ZONE, ucloudSimulator } from '../helpers/ucloud-sim.js';

let sim: Simulator;
beforeAll(async () => {
  sim = (await ucloudSimulator({ 'pg-1': { service: 'upgsql', backups: 150 }, 'tidb-1': { service: 'tidb', backups: 2 } })).sim;
});
afterAll(async () => {
  await sim.close();
});

const sign = (action: string, params: Record<string, UcloudParamValue>, privateKey = UC_PRIVATE_KEY) =>
  signedUcloudParams({ action, publicKey: UC_PUBLIC_KEY, privateKey, params });

async function answer(res: Response): Promise<{ status: number; requestId: string | null; body: Record<string, unknown> }> {
  return { status: res.status, requestId: res.headers.get('x-ucloud-request-uuid'), body: (await res.json()) as Record<string, unknown> };
}

const listPg = { Region: UC_REGION, Zone: UC_ZONE, InstanceID: 'pg-1' };

describe('simulated UCloud gateway', () => {
  it('answers a signed GET query with a request id header and DataSet', async () => {
    const query = new URLSearchParams(sign('ListUPgSQLBackup', { ...listPg, Limit: 5 }));
    const { status, requestId, body } = await answer(await fetch(`${sim.url}/?${query}`));
    expect(status).toBe(200);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toMatchObject({ RetCode: 0, Action: 'ListUPgSQLBackupResponse', TotalCount: 150 });
    expect(body.DataSet).toHaveLength(5);
  });

  it('answers a POST JSON body signed over its typed values', async () => {
    const params = { ...listPg, Offset: 140, Limit: 50 };
    const { Signature } = sign('ListUPgSQLBackup', params);
    const res = await fetch(sim.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Action: 'ListUPgSQLBackup', PublicKey: UC_PUBLIC_KEY, Signature, ...params }),
    });
    const { body } = await answer(res);
    expect(body).toMatchObject({ RetCode: 0, TotalCount: 150 });
    expect(body.DataSet).toHaveLength(10);
  });

  it('caps Limit at 100 for UPgSQL and 30 for TiDB', async () => {
    const pg = await answer(await fetch(`${sim.url}/?${new URLSearchParams(sign('ListUPgSQLBackup', { ...listPg, Limit: 500 }))}`));
    expect(pg.body.DataSet).toHaveLength(100);
    const tidb = await answer(
      await fetch(`${sim.url}/?${new URLSearchParams(sign('ListTiDBClusterBackup', { Region: UC_REGION, Id: 'tidb-1', Limit: 500 }))}`),
    );
    expect(tidb.body).toMatchObject({ RetCode: 0, Action: 'ListTiDBClusterBackupResponse', TotalCount: 2 });
    expect(tidb.body.Data).toHaveLength(2);
  });

  it.each([
    ['a missing Zone', { Region: UC_REGION, InstanceID: 'pg-1' }, 220, 'Missing params [Zone]'],
    ['a Limit that is not a number', { ...listPg, Limit: 'ten' }, 230, 'Params [Limit] not available'],
    ['an unknown instance', { ...listPg, InstanceID: 'pg-0' }, 230, 'Params [InstanceID] not available'],
    ['an instance in another zone', { ...listPg, Zone: 'cn-zj-02' }, 230, 'Params [InstanceID] not available'],
  ] as const)('answers %s with RetCode %i', async (_case, params, retCode, message) => {
    const { status, body } = await answer(await fetch(`${sim.url}/?${new URLSearchParams(sign('ListUPgSQLBackup', params))}`));
    expect(status).toBe(200);
    expect(body).toEqual({ Action: 'ListUPgSQLBackupResponse', RetCode: retCode, Message: message });
  });

  it('answers a wrong signature with RetCode 171 and a missing one with 170', async () => {
    const bad = await answer(await fetch(`${sim.url}/?${new URLSearchParams(sign('ListUPgSQLBackup', listPg, 'not-the-key'))}`));
    expect(bad.body).toMatchObject({ RetCode: 171, Message: 'Signature VerifyAC Error' });
    const { Signature: _dropped, ...unsigned } = sign('ListUPgSQLBackup', listPg);
    const missing = await answer(await fetch(`${sim.url}/?${new URLSearchParams(unsigned)}`));
    expect(missing.body).toMatchObject({ RetCode: 170 });
  });

  it('answers a tampered parameter with RetCode 171', async () => {
    const params = sign('ListUPgSQLBackup', listPg);
    const { body } = await answer(await fetch(`${sim.url}/?${new URLSearchParams({ ...params, Limit: '100' })}`));
    expect(body).toMatchObject({ RetCode: 171 });
  });
});
