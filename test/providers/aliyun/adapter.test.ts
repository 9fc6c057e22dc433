import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aliyunRdsBackups } from '../../../src/providers/aliyun/rds-backups.js';
import type { PollTarget } from '../../../src/providers/types.js';
import type { SimBackupInput, Simulator } from '../../../src/simulator/index.js';
import { ALI_SECRET, aliyunAccountFor, aliyunSimulator, SIM_NOW } from '../../helpers/aliyun-sim.js';
import { collectPages, type TestProviderContext, testProviderContext } from '../../helpers/provider-context.js';
import { listingError } from '../../helpers/rejection.js';

const target = (instance: string): PollTarget => ({ id: `orders-${instance}`, service: 'rds', instance });

/** A manual backup that starts while a listing pages. */
const STARTED_MID_LISTING: SimBackupInput = {
  status: 'Success',
  kind: 'full',
  mode: 'Manual',
  startedAt: Date.parse('2026-03-01T05:00:00Z'),
  endedAt: null,
  sizeBytes: 1,
};

describe('Alibaba RDS backups against the simulator', () => {
  let sim: Simulator;
  let ctx: TestProviderContext;
  let account: ReturnType<typeof aliyunAccountFor>;

  beforeEach(async () => {
    const started = await aliyunSimulator({ 'rm-big': 250, 'rm-small': 3, 'rm-empty': 0 });
    sim = started.sim;
    account = started.account;
    ctx = testProviderContext({ clock: started.clock });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('lists 250 backups over three pages of 100, newest first', async () => {
    const pages = await collectPages(aliyunRdsBackups.list(account, 'ali-prod', target('rm-big'), ctx));

    expect(pages.map((p) => p.items.length)).toEqual([100, 100, 50]);
    expect(pages.every((p) => p.total === 250)).toBe(true);
    const items = pages.flatMap((p) => p.items);
    expect(new Set(items.map((b) => b.backupId)).size).toBe(250);
    expect(items.map((b) => b.startedAt)).toEqual([...items.map((b) => b.startedAt)].sort((a, b) => (b ?? 0) - (a ?? 0)));
    expect(items.filter((b) => b.status === 'failed')).toHaveLength(25);
    const seen = sim.requests
      .of('aliyun/rds')
      .map((r) => [r.method, r.params.PageSize, r.params.PageNumber, r.params.RegionId, r.params.DBInstanceId]);
    expect(seen).toEqual([
      ['GET', '100', '1', 'cn-hangzhou', 'rm-big'],
      ['GET', '100', '2', 'cn-hangzhou', 'rm-big'],
      ['GET', '100', '3', 'cn-hangzhou', 'rm-big'],
    ]);
    expect(ctx.waits).toEqual([]);
  });

  it('never stores a signed download link in raw', async () => {
    const pages = await collectPages(aliyunRdsBackups.list(account, 'ali-prod', target('rm-small'), ctx));
    const raw = JSON.stringify(pages.flatMap((p) => p.items.map((b) => b.raw)));
    expect(raw).not.toMatch(/Signature=|OSSAccessKeyId|DownloadURL/);
    expect(raw).toContain('HostInstanceID');
  });

  it('yields one empty page with total 0 for an instance without backups', async () => {
    const pages = await collectPages(aliyunRdsBackups.list(account, 'ali-prod', target('rm-empty'), ctx));
    expect(pages).toEqual([{ items: [], total: 0 }]);
  });

  it('fails permanently as auth/SignatureDoesNotMatch with a wrong secret, without leaking it', async () => {
    const wrong = 'wrong-secret-Kx93!';
    const err = await listingError(
      collectPages(aliyunRdsBackups.list({ ...account, accessKeySecret: wrong }, 'ali-prod', target('rm-big'), ctx)),
    );

    expect(err).toMatchObject({ kind: 'auth', code: 'SignatureDoesNotMatch', permanent: true, httpStatus: 400 });
    expect(err.message).toMatch(
      /^aliyun SignatureDoesNotMatch: Specified signature is not matched with our calculation\. \(request [0-9A-F-]{36}\)$/,
    );
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(ALI_SECRET);
    expect(ctx.waits).toEqual([]);
    expect(sim.requests.count('aliyun/rds')).toBe(1);
  });

  it('reports an unknown instance as a permanent not-found', async () => {
    const err = await listingError(collectPages(aliyunRdsBackups.list(account, 'ali-prod', target('rm-gone'), ctx)));
    expect(err).toMatchObject({ kind: 'not-found', code: 'InvalidDBInstanceId.NotFound', permanent: true });
  });

  it('reports a clock far off the provider as auth with a hint about the clock', async () => {
    const late = testProviderContext({ clock: () => Date.parse('2026-03-01T06:20:00Z') });
    const err = await listingError(collectPages(aliyunRdsBackups.list(account, 'ali-prod', target('rm-small'), late)));
    expect(err).toMatchObject({ kind: 'auth', code: 'InvalidTimeStamp.Expired', permanent: true });
    expect(err.message).toContain('clock');
  });

  it('retries two throttled responses and then lists everything', async () => {
    sim.faults.failNext(2, 'throttle', { instance: 'rm-big' });

    const pages = await collectPages(aliyunRdsBackups.list(account, 'ali-prod', target('rm-big'), ctx));

    expect(pages.flatMap((p) => p.items)).toHaveLength(250);
    expect(ctx.waits).toHaveLength(2);
    expect(ctx.waits[1]).toBeGreaterThan(ctx.waits[0] as number);
    expect(sim.requests.of('aliyun/rds').map((r) => r.status)).toEqual([400, 400, 200, 200, 200]);
  });

  it('retries a page whose request timed out', async () => {
    sim.faults.failNext(1, 'timeout');
    const quick = testProviderContext({ clock: ctx.clock, timeoutMs: 300 });

    const pages = await collectPages(aliyunRdsBackups.list(account, 'ali-prod', target('rm-small'), quick));

    expect(pages.flatMap((p) => p.items)).toHaveLength(3);
    expect(quick.waits).toHaveLength(1);
  });

  it('retries a malformed page, then fails permanently after the retry budget without yielding', async () => {
    sim.faults.failNext(100, 'malformed');
    const yielded: unknown[] = [];

    const err = await listingError(
      (async () => {
        for await (const page of aliyunRdsBackups.list(account, 'ali-prod', target('rm-big'), ctx)) yielded.push(page);
      })(),
    );

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect(err.message).toMatch(/not JSON.*gave up after 5 attempts/);
    expect(err.cause).toMatchObject({ kind: 'invalid-response', permanent: false });
    expect(yielded).toEqual([]);
    expect(sim.requests.count('aliyun/rds')).toBe(5);
    expect(ctx.waits).toHaveLength(4);
  });

  it('fails with invalid-response when the total changes between pages', async () => {
    const pages = aliyunRdsBackups.list(account, 'ali-prod', target('rm-big'), ctx)[Symbol.asyncIterator]();
    expect((await pages.next()).value?.items).toHaveLength(100);

    sim.fleet.addBackup('rm-big', STARTED_MID_LISTING);
    const err = await listingError(pages.next());

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect(err.message).toContain('listing changed while paging; retry next poll');
    expect(err.message).toContain('TotalRecordCount went from 250 to 251');
  });

  it('fails with invalid-response when the listing shifts under a constant total', async () => {
    const pages = aliyunRdsBackups.list(account, 'ali-prod', target('rm-big'), ctx)[Symbol.asyncIterator]();
    await pages.next();

    // One new backup on top and the oldest expired: same total, but every later item moves down one.
    const oldest = sim.fleet.instance('rm-big')?.backups.at(-1)?.id as string;
    sim.fleet.removeBackup('rm-big', oldest);
    sim.fleet.addBackup('rm-big', STARTED_MID_LISTING);
    const err = await listingError(pages.next());

    expect(err.kind).toBe('invalid-response');
    expect(err.message).toMatch(/listing changed while paging.*listed twice/);
  });
});

describe('Alibaba RDS backups with an odd item', () => {
  it('yields the other items of the page and the odd one as unknown with what it could not read', async () => {
    const ok = (id: number) => ({
      BackupId: id,
      BackupStatus: 'Success',
      BackupStartTime: '2026-02-28T02:00:00Z',
      BackupEndTime: '2026-02-28T03:00:00Z',
      BackupType: 'FullBackup',
      BackupSize: 10,
    });
    const odd = { BackupId: '77', BackupStatus: 3, BackupStartTime: 1772244000, BackupEndTime: null, BackupType: 1, BackupSize: 'n/a' };
    const body = JSON.stringify({ TotalRecordCount: '3', PageNumber: '1', Items: { Backup: [ok(1), odd, ok(2)] } });
    // It does not check signatures: this test is only about what the adapter makes of the page.
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const pages = await collectPages(
        aliyunRdsBackups.list(aliyunAccountFor(url), 'ali-prod', target('rm-odd'), testProviderContext({ clock: () => SIM_NOW })),
      );

      const items = pages.flatMap((p) => p.items);
      expect(items.map((b) => [b.backupId, b.status])).toEqual([
        ['1', 'completed'],
        ['77', 'unknown'],
        ['2', 'completed'],
      ]);
      expect(items[1]).toMatchObject({ rawStatus: '3', kind: 'unknown', startedAt: null, endedAt: null, sizeBytes: null });
      expect(items[1]?.problems).toEqual([
        'BackupStatus: 3 is not a word',
        'BackupStartTime: 1772244000 is not a time',
        'BackupSize: "n/a" is not a size in bytes',
        'BackupType: 1 is not a word',
      ]);
      expect(items[0]?.problems).toBeUndefined();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
