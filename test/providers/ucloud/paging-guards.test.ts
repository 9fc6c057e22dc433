import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ucloudTidbBackups } from '../../../src/providers/ucloud/tidb-backups.js';
import { ucloudUpgsqlBackups } from '../../../src/providers/ucloud/upgsql-backups.js';
import { collectPages, testProviderContext } from '../../helpers/provider-context.js';
import { SIM_NOW, tidbTarget, ucloudAccountFor, upgsqlTarget } from '../../helpers/ucloud-sim.js';

interface FakeAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

/**
 * A misbehaving "UCloud" on 127.0.0.1 that answers every request with `page(offset)`; it does not
 * check signatures, so these tests are only about what the adapters do with the answers.
 */
async function fakeProvider(page: (offset: number) => FakeAnswer): Promise<{ url: string; offsets: number[] }> {
  const offsets: number[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const offset = Number(new URLSearchParams(body).get('Offset'));
      offsets.push(offset);
      const answer = page(offset);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, offsets };
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server?.closeAllConnections();
});

const pg = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    BackupID: `b-${from + i}`,
    State: 'Success',
    BackupStartTime: 1_772_330_400,
    BackupEndTime: 1_772_334_000,
    BackupSize: 1,
    BackupType: 1,
  }));
const tidb = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    BackupId: `t-${from + i}`,
    State: 'success',
    BackupStartTime: 1,
    BackupEndTime: 2,
    BackupSize: 1,
  }));

const ok = (body: Record<string, unknown>, action = 'ListUPgSQLBackup'): FakeAnswer => ({
  body: { RetCode: 0, Action: `${action}Response`, ...body },
});

async function listUpgsql(url: string): Promise<unknown> {
  const ctx = testProviderContext({ clock: () => SIM_NOW });
  return collectPages(ucloudUpgsqlBackups.list(ucloudAccountFor(url), 'uc', upgsqlTarget('pg-guarded'), ctx)).then(
    (pages) => pages,
    (err: unknown) => err,
  );
}

async function listTidb(url: string): Promise<unknown> {
  const ctx = testProviderContext({ clock: () => SIM_NOW });
  return collectPages(ucloudTidbBackups.list(ucloudAccountFor(url), 'uc', tidbTarget('tidb-guarded'), ctx)).then(
    (pages) => pages,
    (err: unknown) => err,
  );
}

describe('UCloud paging guards', () => {
  it('gives up when pages keep coming without ever reaching the total', async () => {
    const fake = await fakeProvider((offset) => ok({ TotalCount: 1000, DataSet: offset === 0 ? pg(0, 100) : pg(1000 + offset, 1) }));

    const err = await listUpgsql(fake.url);

    expect(err).toMatchObject({
      kind: 'invalid-response',
      permanent: true,
      message: expect.stringContaining('11 pages hold only 110 of 1000 backups'),
    });
    expect(fake.offsets).toHaveLength(11);
  });

  it('fails when an empty page arrives before the total is reached', async () => {
    const fake = await fakeProvider((offset) => ok({ TotalCount: 150, DataSet: offset === 0 ? pg(0, 100) : [] }));
    expect(await listUpgsql(fake.url)).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('the page at offset 100 is empty after 100 of 150 backups'),
    });
  });

  it('fails when the pages hold more backups than the total', async () => {
    const fake = await fakeProvider((offset) => ok({ TotalCount: 120, DataSet: pg(offset, 100) }));
    expect(await listUpgsql(fake.url)).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('more than the total of 120'),
    });
  });

  it('fails when the provider ignores Offset and repeats the first page', async () => {
    const fake = await fakeProvider(() => ok({ TotalCount: 300, DataSet: pg(0, 100) }));
    expect(await listUpgsql(fake.url)).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('backup b-0 listed twice (offset 100)'),
    });
  });

  it('keeps paging from the number read so far when the provider caps Limit below what was asked', async () => {
    const fake = await fakeProvider((offset) => ok({ TotalCount: '45', DataSet: pg(offset, Math.min(20, 45 - offset)) }));

    const pages = (await listUpgsql(fake.url)) as { items: unknown[]; total: number }[];

    expect(pages.map((p) => [p.items.length, p.total])).toEqual([
      [20, 45],
      [20, 45],
      [5, 45],
    ]);
    expect(fake.offsets).toEqual([0, 20, 40]);
  });

  it('names the field when an item has no BackupID', async () => {
    const fake = await fakeProvider(() => ok({ TotalCount: 2, DataSet: [pg(0, 1)[0], { State: 'Success' }] }));

    const err = await listUpgsql(fake.url);

    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect((err as Error).message).toContain('DataSet[1].BackupID');
    expect(fake.offsets).toEqual([0]);
  });

  it('keeps an item whose time and size cannot be read, with nulls and problems', async () => {
    const fake = await fakeProvider(() => ok({ TotalCount: 1, DataSet: [{ ...pg(0, 1)[0], BackupEndTime: 'soon', BackupSize: '2 GB' }] }));

    const [page] = (await listUpgsql(fake.url)) as { items: Record<string, unknown>[] }[];

    expect(page?.items[0]).toMatchObject({ backupId: 'b-0', status: 'completed', endedAt: null, sizeBytes: null });
    expect(page?.items[0]?.problems).toEqual(['BackupEndTime: "soon" is not a unix time in seconds', 'BackupSize: "2 GB" is not a size']);
  });

  it('refuses a page that holds backups under both DataSet and Data', async () => {
    const fake = await fakeProvider(() => ok({ TotalCount: 2, DataSet: pg(0, 1), Data: pg(1, 1) }));
    expect(await listUpgsql(fake.url)).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('both DataSet and Data hold backups'),
    });
  });

  it('refuses an answer meant for another Action', async () => {
    const fake = await fakeProvider(() => ok({ TotalCount: 0, DataSet: [] }, 'ListUDBBackup'));
    expect(await listUpgsql(fake.url)).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('the answer is for ListUDBBackupResponse'),
    });
  });

  it('treats a gateway error without Action as the error its RetCode names', async () => {
    const fake = await fakeProvider(() => ({
      body: { RetCode: 299, Message: 'IAM permission denied' },
      headers: { 'X-UCloud-Request-UUID': 'req-299' },
    }));
    expect(await listUpgsql(fake.url)).toMatchObject({
      kind: 'auth',
      permanent: true,
      code: '299',
      requestId: 'req-299',
      message: 'ucloud ListUPgSQLBackup RetCode 299: IAM permission denied (request req-299)',
    });
  });

  it('retries an HTTP 502 from a proxy and then fails as a server error', async () => {
    const fake = await fakeProvider(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    const err = await listUpgsql(fake.url);
    expect(err).toMatchObject({ kind: 'server', permanent: false, httpStatus: 502 });
    expect(fake.offsets).toHaveLength(5);
  });

  it('reads TiDB pages with a non-numeric size as backups of unknown size', async () => {
    const fake = await fakeProvider(() => ok({ BackupData: [{ ...tidb(0, 1)[0], BackupSize: 'n/a' }] }, 'ListTiDBClusterBackup'));

    const pages = (await listTidb(fake.url)) as { items: Record<string, unknown>[]; total?: number }[];

    expect(pages).toHaveLength(1);
    expect(pages[0]?.total).toBeUndefined();
    expect(pages[0]?.items[0]).toMatchObject({ backupId: 't-0', sizeBytes: null, problems: ['BackupSize: "n/a" is not a size'] });
  });

  it('gives up on a TiDB listing without TotalCount whose full pages never end', async () => {
    const fake = await fakeProvider((offset) => ok({ Data: tidb(offset, 30) }, 'ListTiDBClusterBackup'));
    const err = await listTidb(fake.url);
    expect(err).toMatchObject({ kind: 'invalid-response', message: expect.stringContaining('1000 full pages and no end') });
  });
});
