import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors.js';
import { createHuaweiDdsBackups } from '../../../src/providers/huaweicloud/dds-backups.js';
import { createOtcRdsBackups } from '../../../src/providers/huaweicloud/otc-rds-backups.js';
import { ddsAkskAccount, otcAkskAccount, SIM_NOW } from '../../helpers/huawei-sim.js';
import { collectPages, testProviderContext } from '../../helpers/provider-context.js';

/**
 * A misbehaving gateway on 127.0.0.1 that answers every request with `page(offset)`; it does not
 * check signatures, so these tests are only about what the listing does with the pages.
 */
async function fakeGateway(page: (offset: number) => unknown): Promise<{ url: string; requests: number[]; server: Server }> {
  const requests: number[] = [];
  const server = createServer((req, res) => {
    const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset'));
    requests.push(offset);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(page(offset)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const items = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: `b${from + i}`,
    name: `backup-${from + i}`,
    status: 'COMPLETED',
    type: 'auto',
    size: 1,
    begin_time: '2026-02-28T10:00:00+0800',
    end_time: '2026-02-28T11:00:00+0800',
  }));

const target = { id: 'guarded', service: 'rds', instance: 'rds-guarded' };

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** Runs the OTC RDS listing against `url`; the error it ended with, or 'listed'. */
async function listFrom(url: string): Promise<unknown> {
  const ctx = testProviderContext({ clock: () => SIM_NOW });
  return collectPages(createOtcRdsBackups().list(otcAkskAccount(url), 'otc', target, ctx)).then(
    () => 'listed',
    (err: unknown) => err,
  );
}

describe('OTC RDS and Huawei DDS paging guards', () => {
  it('gives up when pages keep coming without ever reaching the total', async () => {
    // A full first page, then one new item per page: 1,000 promised, the cap is ceil(1000/100)+1 pages.
    const fake = await fakeGateway((offset) => ({ total_count: 1000, backups: offset === 0 ? items(1, 100) : items(1000 + offset, 1) }));
    server = fake.server;

    const err = await listFrom(fake.url);

    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect((err as Error).message).toContain('listing changed while paging; retry next poll (11 pages hold only 110 of 1000 backups)');
    expect(fake.requests).toHaveLength(11);
    expect(fake.requests.slice(0, 3)).toEqual([0, 100, 101]);
  });

  it('fails when an empty page arrives before the total is reached', async () => {
    const fake = await fakeGateway((offset) => ({ total_count: 150, backups: offset === 0 ? items(1, 100) : [] }));
    server = fake.server;

    const err = await listFrom(fake.url);

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect((err as Error).message).toContain('page at offset 100 is empty after 100 of 150 backups');
    expect(fake.requests).toEqual([0, 100]);
  });

  it('fails when the pages hold more backups than the total', async () => {
    const fake = await fakeGateway((offset) => ({ total_count: 120, backups: items(offset * 1000, 100) }));
    server = fake.server;

    const err = await listFrom(fake.url);

    expect(err).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('pages hold 200 backups, more than the total of 120'),
    });
    expect(fake.requests).toEqual([0, 100]);
  });

  it('caps a DDS listing the same way, by the page size the first page showed', async () => {
    // The gateway answers pages of 40 although 100 were asked for: ceil(200/40)+1 = 6 pages at most.
    const fake = await fakeGateway((offset) => ({ total_count: 200, backups: offset === 0 ? items(1, 40) : items(1000 + offset, 1) }));
    server = fake.server;
    const ctx = testProviderContext({ clock: () => SIM_NOW });

    const err = await collectPages(createHuaweiDdsBackups().list(ddsAkskAccount(fake.url), 'hw', { ...target, service: 'dds' }, ctx)).then(
      () => 'listed',
      (e: unknown) => e,
    );

    expect(err).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('huaweicloud dds backups: listing changed while paging'),
    });
    expect((err as Error).message).toContain('6 pages hold only 45 of 200 backups');
    expect(fake.requests).toHaveLength(6);
  });

  it('stops at the total without asking for a page beyond it', async () => {
    const fake = await fakeGateway((offset) => ({ total_count: 130, backups: offset === 0 ? items(1, 100) : items(101, 30) }));
    server = fake.server;

    expect(await listFrom(fake.url)).toBe('listed');
    expect(fake.requests).toEqual([0, 100]);
  });

  it('names the item when a page holds a backup without an id', async () => {
    const fake = await fakeGateway(() => ({ total_count: 2, backups: [items(1, 1)[0], { status: 'COMPLETED' }] }));
    server = fake.server;

    const err = await listFrom(fake.url);

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect((err as Error).message).toContain('backups[1].id: missing');
  });
});
