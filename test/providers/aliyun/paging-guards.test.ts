import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors.js';
import { aliyunRdsBackups } from '../../../src/providers/aliyun/rds-backups.js';
import { aliyunAccountFor, SIM_NOW } from '../../helpers/aliyun-sim.js';
import { collectPages, testProviderContext } from '../../helpers/provider-context.js';

/**
 * A misbehaving "provider" on 127.0.0.1 that answers every request with `page(pageNumber)`;
 * it does not check signatures, so these tests are only about what the adapter does with the pages.
 */
async function fakeProvider(
  page: (pageNumber: number) => { status?: number; body: unknown },
): Promise<{ url: string; requests: number[]; server: Server }> {
  const requests: number[] = [];
  const server = createServer((req, res) => {
    const pageNumber = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('PageNumber'));
    requests.push(pageNumber);
    const answer = page(pageNumber);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const items = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    BackupId: from + i,
    BackupStatus: 'Success',
    BackupStartTime: '2026-02-28T02:00:00Z',
    BackupEndTime: '2026-02-28T03:00:00Z',
    BackupSize: 1,
  }));

const target = { id: 'guarded', service: 'rds', instance: 'rm-guarded' };
let server: Server | undefined;
afterEach(() => {
  server?.close();
  server?.closeAllConnections();
});

async function listFrom(url: string): Promise<unknown> {
  const ctx = testProviderContext({ clock: () => SIM_NOW });
  return collectPages(aliyunRdsBackups.list(aliyunAccountFor(url), 'ali', target, ctx)).then(
    () => 'listed',
    (err: unknown) => err,
  );
}

describe('Alibaba RDS paging guards', () => {
  it('gives up when pages keep coming without ever reaching the total', async () => {
    // A full first page, then one new item per page: 1,000 promised, the cap is ceil(1000/100)+1 pages.
    const fake = await fakeProvider((n) => ({
      body: { TotalRecordCount: 1000, PageNumber: n, Items: { Backup: n === 1 ? items(1, 100) : items(1000 + n, 1) } },
    }));
    server = fake.server;

    const err = await listFrom(fake.url);

    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect((err as Error).message).toContain('11 pages hold only 110 of 1000 backups');
    expect(fake.requests).toHaveLength(11);
  });

  it('fails when an empty page arrives before the total is reached', async () => {
    const fake = await fakeProvider((n) => ({
      body: { TotalRecordCount: 150, PageNumber: n, Items: n === 1 ? { Backup: items(1, 100) } : {} },
    }));
    server = fake.server;

    const err = await listFrom(fake.url);

    expect(err).toMatchObject({ kind: 'invalid-response' });
    expect((err as Error).message).toContain('page 2 is empty after 100 of 150 backups');
  });

  it('fails when the pages hold more backups than the total', async () => {
    const fake = await fakeProvider((n) => ({ body: { TotalRecordCount: 120, PageNumber: n, Items: { Backup: items(n * 1000, 100) } } }));
    server = fake.server;

    expect((await listFrom(fake.url)) as Error).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('more than the total of 120'),
    });
  });

  it('fails when the provider answers another page than the one asked for', async () => {
    const fake = await fakeProvider(() => ({ body: { TotalRecordCount: 300, PageNumber: 1, Items: { Backup: items(1, 100) } } }));
    server = fake.server;

    expect((await listFrom(fake.url)) as Error).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('asked for page 2, got PageNumber 1'),
    });
  });

  it('treats an error body sent with HTTP 200 as the error it describes', async () => {
    const fake = await fakeProvider(() => ({
      body: { RequestId: 'R-1', Code: 'Forbidden.RAM', Message: 'User not authorized to operate on the specified resource.' },
    }));
    server = fake.server;

    expect(await listFrom(fake.url)).toMatchObject({
      kind: 'auth',
      code: 'Forbidden.RAM',
      message: 'aliyun Forbidden.RAM: User not authorized to operate on the specified resource. (request R-1)',
    });
  });

  it('names the field when a page holds an item without a BackupId', async () => {
    const fake = await fakeProvider((n) => ({
      body: { TotalRecordCount: 1, PageNumber: n, Items: { Backup: [{ BackupStatus: 'Success' }] } },
    }));
    server = fake.server;

    const err = await listFrom(fake.url);

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect((err as Error).message).toContain('Items.Backup[0].BackupId: expected a number or a non-empty string');
    expect(fake.requests).toEqual([1]);
  });
});
