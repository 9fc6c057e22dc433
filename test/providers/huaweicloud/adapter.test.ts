import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHuaweiDdsBackups } from '../../../src/providers/huaweicloud/dds-backups.js';
import { createOtcRdsBackups } from '../../../src/providers/huaweicloud/otc-rds-backups.js';
import type { PollTarget } from '../../../src/providers/types.js';
import type { SimBackupInput } from '../../../src/simulator/index.js';
import { type HuaweiTestSim, HW_SK, huaweiSimulator, OTC_SK, SIM_NOW } from '../../helpers/huawei-sim.js';
import { collectPages, type TestProviderContext, testProviderContext } from '../../helpers/provider-context.js';
import { listingError } from '../../helpers/rejection.js';

const target = (instance: string, service = 'rds'): PollTarget => ({ id: `t-${instance}`, service, instance });

/** A manual backup that starts while a listing pages. */
const STARTED_MID_LISTING: SimBackupInput = {
  status: 'BUILDING',
  kind: 'full',
  mode: 'Manual',
  startedAt: SIM_NOW - 60_000,
  endedAt: null,
  sizeBytes: 0,
};

describe('OTC RDS and Huawei DDS backups against the simulator (AK/SK)', () => {
  let s: HuaweiTestSim;
  let ctx: TestProviderContext;
  const rds = createOtcRdsBackups();
  const dds = createHuaweiDdsBackups();

  beforeEach(async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 250, 'rds-small': 3, 'rds-empty': 0 }, dds: { 'dds-a': 230, 'dds-b': 2 } });
    ctx = testProviderContext({ clock: s.clock });
  });
  afterEach(async () => {
    await s.sim.close();
  });

  it('lists 250 OTC RDS backups over three offset pages, newest first, with kB sizes and +0800 times converted', async () => {
    const pages = await collectPages(rds.list(s.otcAksk, 'otc-prod', target('rds-big'), ctx));

    expect(pages.map((p) => p.items.length)).toEqual([100, 100, 50]);
    expect(pages.every((p) => p.total === 250)).toBe(true);
    const items = pages.flatMap((p) => p.items);
    expect(new Set(items.map((b) => b.backupId)).size).toBe(250);
    expect(items[0]).toMatchObject({
      status: 'completed',
      rawStatus: 'COMPLETED',
      kind: 'full',
      trigger: 'automated',
      startedAt: SIM_NOW - 7_200_000,
      endedAt: SIM_NOW - 3_600_000,
      sizeBytes: 5_000 * 1024,
    });
    expect(items[0]?.problems).toBeUndefined();
    expect(items.filter((b) => b.status === 'failed')).toHaveLength(25);
    const seen = s.sim.requests.of('otc/rds').map((r) => [r.params.instance_id, r.params.offset, r.params.limit]);
    expect(seen).toEqual([
      ['rds-big', '0', '100'],
      ['rds-big', '100', '100'],
      ['rds-big', '200', '100'],
    ]);
    expect(ctx.waits).toEqual([]);
  });

  it('yields one empty page with total 0 for an instance without backups', async () => {
    expect(await collectPages(rds.list(s.otcAksk, 'otc-prod', target('rds-empty'), ctx))).toEqual([{ items: [], total: 0 }]);
  });

  it('lists DDS backups over several pages with KB sizes, UTC times and capitalised types understood', async () => {
    const pages = await collectPages(dds.list(s.ddsAksk, 'hw-prod', target('dds-a', 'dds'), ctx));

    expect(pages.map((p) => p.items.length)).toEqual([100, 100, 30]);
    const items = pages.flatMap((p) => p.items);
    expect(items[0]).toMatchObject({
      status: 'completed',
      kind: 'full',
      trigger: 'automated',
      startedAt: SIM_NOW - 7_200_000,
      sizeBytes: 5_000 * 1024,
    });
    expect((items[0]?.raw as { type: string } | undefined)?.type).toBe('Auto');
    expect(items.every((b) => b.problems === undefined)).toBe(true);
    expect(s.sim.requests.count('huaweicloud/dds')).toBe(3);
    expect(s.sim.requests.count('otc/rds')).toBe(0);
  });

  it('fails permanently as auth/APIG.0301 with a wrong secret key, without leaking either key', async () => {
    const wrong = 'wrong-secret-Kx93!abcdef';
    const err = await listingError(
      collectPages(
        rds.list(
          { ...s.otcAksk, auth: { type: 'aksk', accessKey: 'QTWAOYTTINDUT2QVKYUC', secretKey: wrong } },
          'otc-prod',
          target('rds-big'),
          ctx,
        ),
      ),
    );

    expect(err).toMatchObject({ kind: 'auth', code: 'APIG.0301', permanent: true, httpStatus: 401 });
    expect(err.message).toMatch(
      /^otc rds APIG\.0301: Incorrect IAM authentication information: verify aksk signature fail \(request [0-9a-f]{32}\)$/,
    );
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(OTC_SK);
    expect(s.sim.requests.count('otc/rds')).toBe(1);
    expect(ctx.waits).toEqual([]);
  });

  it('reports an instance that does not exist as a permanent not-found (DBS.200002)', async () => {
    const err = await listingError(collectPages(rds.list(s.otcAksk, 'otc-prod', target('rds-gone'), ctx)));
    expect(err).toMatchObject({ kind: 'not-found', code: 'DBS.200002', permanent: true, httpStatus: 404 });
  });

  it('reports a DDS instance id of another cloud as not-found too', async () => {
    const err = await listingError(collectPages(dds.list(s.ddsAksk, 'hw-prod', target('rds-small', 'dds'), ctx)));
    expect(err).toMatchObject({ kind: 'not-found', code: 'DBS.200002' });
  });

  it('reports a clock more than 15 minutes off as auth/APIG.0303 with a hint about the clock', async () => {
    const late = testProviderContext({ clock: () => SIM_NOW + 20 * 60_000 });
    const err = await listingError(collectPages(dds.list(s.ddsAksk, 'hw-prod', target('dds-b', 'dds'), late)));
    expect(err).toMatchObject({ kind: 'auth', code: 'APIG.0303', permanent: true });
    expect(err.message).toContain('clock');
    expect(err.message).not.toContain(HW_SK);
  });

  it('retries two APIG.0308 throttled answers (HTTP 429) with growing waits, then lists everything', async () => {
    s.sim.faults.failNext(2, 'throttle', { instance: 'rds-big' });

    const pages = await collectPages(rds.list(s.otcAksk, 'otc-prod', target('rds-big'), ctx));

    expect(pages.flatMap((p) => p.items)).toHaveLength(250);
    expect(ctx.waits).toHaveLength(2);
    expect(ctx.waits[1]).toBeGreaterThan(ctx.waits[0] as number);
    expect(s.sim.requests.of('otc/rds').map((r) => r.status)).toEqual([429, 429, 200, 200, 200]);
  });

  it('retries a server error and then succeeds', async () => {
    s.sim.faults.failNext(1, 'server-error');
    const pages = await collectPages(rds.list(s.otcAksk, 'otc-prod', target('rds-small'), ctx));
    expect(pages.flatMap((p) => p.items)).toHaveLength(3);
    expect(s.sim.requests.of('otc/rds').map((r) => r.status)).toEqual([500, 200]);
  });

  it('retries a malformed page, then fails permanently after the retry budget without yielding', async () => {
    s.sim.faults.failNext(100, 'malformed');
    const yielded: unknown[] = [];

    const err = await listingError(
      (async () => {
        for await (const page of rds.list(s.otcAksk, 'otc-prod', target('rds-big'), ctx)) yielded.push(page);
      })(),
    );

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect(err.message).toMatch(/not JSON.*gave up after 5 attempts/);
    expect(yielded).toEqual([]);
    expect(s.sim.requests.count('otc/rds')).toBe(5);
  });

  it('fails with invalid-response when the total changes between pages', async () => {
    const pages = rds.list(s.otcAksk, 'otc-prod', target('rds-big'), ctx)[Symbol.asyncIterator]();
    expect((await pages.next()).value?.items).toHaveLength(100);

    s.sim.fleet.addBackup('rds-big', STARTED_MID_LISTING);
    const err = await listingError(pages.next());

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect(err.message).toContain('listing changed while paging; retry next poll');
    expect(err.message).toContain('total_count went from 250 to 251');
  });

  it('fails with invalid-response when the listing shifts under a constant total', async () => {
    const pages = rds.list(s.otcAksk, 'otc-prod', target('rds-big'), ctx)[Symbol.asyncIterator]();
    await pages.next();

    const oldest = s.sim.fleet.instance('rds-big')?.backups.at(-1)?.id as string;
    s.sim.fleet.removeBackup('rds-big', oldest);
    s.sim.fleet.addBackup('rds-big', STARTED_MID_LISTING);
    const err = await listingError(pages.next());

    expect(err.kind).toBe('invalid-response');
    expect(err.message).toMatch(/listing changed while paging.*listed twice/);
  });

  it('refuses a target in another region than its account, before any request', async () => {
    const err = await listingError(collectPages(rds.list(s.otcAksk, 'otc-prod', { ...target('rds-small'), region: 'eu-nl' }, ctx)));
    expect(err).toMatchObject({ kind: 'client', permanent: true });
    expect(s.sim.requests.total).toBe(0);
  });
});
