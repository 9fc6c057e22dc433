import { afterEach, describe, expect, it } from 'vitest';
import { ucloudTidbBackups } from '../../../src/providers/ucloud/tidb-backups.js';
import { ucloudUpgsqlBackups } from '../../../src/providers/ucloud/upgsql-backups.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { collectPages, testProviderContext } from '../../helpers/provider-context.js';
import { listingError } from '../../helpers/rejection.js';
import {
  SIM_NOW,
  tidbTarget,
  UC_PRIVATE_KEY,
  type UcloudInstances,
  type UcloudSimOptions,
  ucloudSimulator,
  upgsqlTarget,
} from '../../helpers/ucloud-sim.js';

const INSTANCES: UcloudInstances = {
  'upgsql-big': { service: 'upgsql', backups: 250 },
  'upgsql-small': { service: 'upgsql', backups: 3 },
  'tidb-big': { service: 'tidb', backups: 70 },
};

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(opts: UcloudSimOptions = {}, instances: UcloudInstances = INSTANCES) {
  const started = await ucloudSimulator(instances, opts);
  sim = started.sim;
  return { sim: started.sim, account: started.account, ctx: testProviderContext({ clock: started.clock }) };
}

const offsets = (s: Simulator, api: string) => s.requests.of(api).map((r) => [r.params.Offset, r.params.Limit]);

describe('UCloud UPgSQL backups against the simulator', () => {
  it('lists 250 backups over three signed POSTs of Limit 100', async () => {
    const { sim, account, ctx } = await start();

    const pages = await collectPages(ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-big'), ctx));

    expect(pages.map((p) => p.items.length)).toEqual([100, 100, 50]);
    expect(pages.every((p) => p.total === 250)).toBe(true);
    expect(offsets(sim, 'ucloud/upgsql')).toEqual([
      ['0', '100'],
      ['100', '100'],
      ['200', '100'],
    ]);
    const [first] = sim.requests.of('ucloud/upgsql');
    expect(first).toMatchObject({
      method: 'POST',
      params: { Action: 'ListUPgSQLBackup', Region: 'cn-zj', Zone: 'cn-zj-01', InstanceID: 'upgsql-big' },
    });
    const items = pages.flatMap((p) => p.items);
    expect(new Set(items.map((b) => b.backupId)).size).toBe(250);
    expect(items.filter((b) => b.status === 'failed')).toHaveLength(25);
    expect(items[0]).toMatchObject({
      status: 'completed',
      kind: 'full',
      trigger: 'automated',
      rawStatus: 'Success',
      startedAt: SIM_NOW - 2 * 3_600_000,
      endedAt: SIM_NOW - 3_600_000,
      sizeBytes: 100 * 1024 ** 2,
    });
    expect(items[0]?.name).toMatch(/^auto_\d{14}$/);
    expect(items.some((b) => b.problems)).toBe(false);
    expect(ctx.waits).toEqual([]);
  });

  it('reads the list under Data when the instance answers in the shape of the documented example', async () => {
    const { account, ctx } = await start({ upgsql: { instances: { 'upgsql-small': { listKey: 'Data' } } } });
    const pages = await collectPages(ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-small'), ctx));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.items).toHaveLength(3);
  });

  it('sends the configured ProjectId with every request', async () => {
    const { sim, account, ctx } = await start();
    await collectPages(ucloudUpgsqlBackups.list({ ...account, projectId: 'org-abc' }, 'uc-prod', upgsqlTarget('upgsql-small'), ctx));
    expect(sim.requests.of('ucloud/upgsql').map((r) => r.params.ProjectId)).toEqual(['org-abc']);
  });

  it('fails permanently as auth with RetCode 171 for a wrong private key, without leaking either key', async () => {
    const { sim, account, ctx } = await start();
    const wrong = '0000000000000000000000000000000000000bad';

    const err = await listingError(
      collectPages(ucloudUpgsqlBackups.list({ ...account, privateKey: wrong }, 'uc-prod', upgsqlTarget('upgsql-big'), ctx)),
    );

    expect(err).toMatchObject({ kind: 'auth', code: '171', permanent: true, httpStatus: 200 });
    expect(err.message).toMatch(
      /^ucloud ListUPgSQLBackup RetCode 171: Signature VerifyAC Error \(request [0-9a-f-]{36}\); check the PublicKey\/PrivateKey pair$/,
    );
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(UC_PRIVATE_KEY);
    expect(sim.requests.count('ucloud/upgsql')).toBe(1);
    expect(ctx.waits).toEqual([]);
  });

  it('fails as auth with RetCode 172 for a PublicKey the provider does not know', async () => {
    const { account, ctx } = await start();
    const err = await listingError(
      collectPages(
        ucloudUpgsqlBackups.list({ ...account, publicKey: 'someone-else@example.com' }, 'uc-prod', upgsqlTarget('upgsql-big'), ctx),
      ),
    );
    expect(err).toMatchObject({ kind: 'auth', code: '172', permanent: true });
  });

  it('reports an unknown instance as a permanent not-found', async () => {
    const { account, ctx } = await start();
    const err = await listingError(collectPages(ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-gone'), ctx)));
    expect(err).toMatchObject({ kind: 'not-found', code: '230', permanent: true });
    expect(err.message).toContain('Params [InstanceID] not available');
  });

  it('refuses a target without a zone before sending anything', async () => {
    const { sim, account, ctx } = await start();
    const { zone: _zone, ...target } = upgsqlTarget('upgsql-big');
    const err = await listingError(collectPages(ucloudUpgsqlBackups.list(account, 'uc-prod', target, ctx)));
    expect(err).toMatchObject({ kind: 'client', permanent: true });
    expect(err.message).toContain('needs region and zone');
    expect(sim.requests.count()).toBe(0);
  });

  it('retries two throttled answers (RetCode 153) and then lists everything', async () => {
    const { sim, account, ctx } = await start();
    sim.faults.failNext(2, 'throttle', { instance: 'upgsql-big' });

    const pages = await collectPages(ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-big'), ctx));

    expect(pages.flatMap((p) => p.items)).toHaveLength(250);
    expect(ctx.waits).toHaveLength(2);
    expect(ctx.waits[1]).toBeGreaterThan(ctx.waits[0] as number);
    expect(sim.requests.of('ucloud/upgsql').map((r) => r.fault ?? 'ok')).toEqual(['throttle', 'throttle', 'ok', 'ok', 'ok']);
    expect(offsets(sim, 'ucloud/upgsql').map(([offset]) => offset)).toEqual(['0', '0', '0', '100', '200']);
  });

  it('retries a service outage (RetCode 150) on the page where it happened', async () => {
    const { sim, account, ctx } = await start();
    const pages = ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-big'), ctx)[Symbol.asyncIterator]();
    await pages.next();
    sim.faults.failNext(1, 'server-error');

    expect((await pages.next()).value?.items).toHaveLength(100);
    expect(offsets(sim, 'ucloud/upgsql').map(([offset]) => offset)).toEqual(['0', '100', '100']);
    expect(ctx.waits).toHaveLength(1);
  });

  it('retries a truncated body, then fails permanently after the retry budget without yielding', async () => {
    const { sim, account, ctx } = await start();
    sim.faults.failNext(100, 'malformed');
    const yielded: unknown[] = [];

    const err = await listingError(
      (async () => {
        for await (const page of ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-big'), ctx)) yielded.push(page);
      })(),
    );

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect(err.message).toMatch(/not JSON.*gave up after 5 attempts/);
    expect(yielded).toEqual([]);
    expect(sim.requests.count('ucloud/upgsql')).toBe(5);
    expect(ctx.waits).toHaveLength(4);
  });

  it('fails with invalid-response when the total changes between pages', async () => {
    const { sim, account, ctx } = await start();
    const pages = ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-big'), ctx)[Symbol.asyncIterator]();
    expect((await pages.next()).value?.items).toHaveLength(100);

    sim.fleet.addBackup('upgsql-big', {
      status: 'Backuping',
      kind: 'full',
      mode: 'Manual',
      startedAt: SIM_NOW - 60_000,
      endedAt: null,
      sizeBytes: 0,
    });
    const err = await listingError(pages.next());

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect(err.message).toContain('listing changed while paging; retry next poll');
    expect(err.message).toContain('TotalCount went from 250 to 251');
  });

  it('fails with invalid-response when the listing shifts under a constant total', async () => {
    const { sim, account, ctx } = await start();
    const pages = ucloudUpgsqlBackups.list(account, 'uc-prod', upgsqlTarget('upgsql-big'), ctx)[Symbol.asyncIterator]();
    await pages.next();

    const oldest = sim.fleet.instance('upgsql-big')?.backups.at(-1)?.id as string;
    sim.fleet.removeBackup('upgsql-big', oldest);
    sim.fleet.addBackup('upgsql-big', {
      status: 'Success',
      kind: 'full',
      mode: 'Manual',
      startedAt: SIM_NOW - 60_000,
      endedAt: SIM_NOW,
      sizeBytes: 1,
    });
    const err = await listingError(pages.next());

    expect(err.kind).toBe('invalid-response');
    expect(err.message).toMatch(/listing changed while paging.*listed twice/);
  });
});

describe('UCloud TiDB backups against the simulator', () => {
  it('lists 70 backups over three requests of Limit 30 and converts MB to bytes', async () => {
    const { sim, account, ctx } = await start();

    const pages = await collectPages(ucloudTidbBackups.list(account, 'uc-prod', tidbTarget('tidb-big'), ctx));

    expect(pages.map((p) => p.items.length)).toEqual([30, 30, 10]);
    expect(pages.every((p) => p.total === 70)).toBe(true);
    expect(offsets(sim, 'ucloud/tidb')).toEqual([
      ['0', '30'],
      ['30', '30'],
      ['60', '30'],
    ]);
    expect(sim.requests.of('ucloud/tidb')[0]?.params).toMatchObject({ Action: 'ListTiDBClusterBackup', Region: 'cn-zj', Id: 'tidb-big' });
    const items = pages.flatMap((p) => p.items);
    expect(items.filter((b) => b.status === 'failed')).toHaveLength(7);
    expect(items[0]).toMatchObject({
      status: 'completed',
      rawStatus: 'success',
      trigger: 'automated',
      kind: 'unknown',
      sizeBytes: 100 * 1024 ** 2,
      startedAt: SIM_NOW - 2 * 3_600_000,
    });
  });

  it('stops at a short page when the answer has no TotalCount', async () => {
    const { sim, account, ctx } = await start({ tidb: { instances: { 'tidb-big': { totalCount: false } } } });

    const pages = await collectPages(ucloudTidbBackups.list(account, 'uc-prod', tidbTarget('tidb-big'), ctx));

    expect(pages.map((p) => p.items.length)).toEqual([30, 30, 10]);
    expect(pages.every((p) => p.total === undefined)).toBe(true);
    expect(sim.requests.count('ucloud/tidb')).toBe(3);
  });

  it('reads one backup per page when the list is a single BackupData object', async () => {
    const { sim, account, ctx } = await start(
      { tidb: { instances: { 'tidb-three': { shape: 'BackupData-object' } } } },
      { 'tidb-three': { service: 'tidb', backups: 3 } },
    );

    const pages = await collectPages(ucloudTidbBackups.list(account, 'uc-prod', tidbTarget('tidb-three'), ctx));

    expect(pages.map((p) => p.items.length)).toEqual([1, 1, 1]);
    expect(new Set(pages.flatMap((p) => p.items.map((b) => b.backupId))).size).toBe(3);
    expect(offsets(sim, 'ucloud/tidb')).toEqual([
      ['0', '30'],
      ['1', '30'],
      ['2', '30'],
    ]);
  });

  it('reads an empty Data object as a cluster without backups', async () => {
    const { account, ctx } = await start(
      { tidb: { instances: { 'tidb-none': { shape: 'Data-object' } } } },
      { 'tidb-none': { service: 'tidb', backups: 0 } },
    );
    const pages = await collectPages(ucloudTidbBackups.list(account, 'uc-prod', tidbTarget('tidb-none'), ctx));
    expect(pages).toEqual([{ items: [], total: 0 }]);
  });

  it('reports an unknown cluster as a permanent not-found', async () => {
    const { account, ctx } = await start();
    const err = await listingError(collectPages(ucloudTidbBackups.list(account, 'uc-prod', tidbTarget('tidb-gone'), ctx)));
    expect(err).toMatchObject({ kind: 'not-found', code: '230', permanent: true });
  });

  it('reports a cluster asked for in another region as not-found', async () => {
    const { account, ctx } = await start();
    const err = await listingError(
      collectPages(ucloudTidbBackups.list(account, 'uc-prod', { ...tidbTarget('tidb-big'), region: 'cn-bj2' }, ctx)),
    );
    expect(err.kind).toBe('not-found');
  });
});
