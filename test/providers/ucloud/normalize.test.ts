import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NormalizedBackup } from '../../../src/domain/backup.js';
import { normalizeTidbBackup, normalizeUpgsqlBackup, parseSize, parseUnixSeconds } from '../../../src/providers/ucloud/normalize.js';
import { parseTidbPage, parseUpgsqlPage, tidbBackupItem, upgsqlBackupItem } from '../../../src/providers/ucloud/schema.js';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/ucloud/${name}`, import.meta.url), 'utf8'));
}

const MIB = 1024 ** 2;
const at = (isoTime: string) => Date.parse(isoTime);

function upgsqlFixture(name: string): { items: NormalizedBackup[]; total: number | undefined } {
  const parsed = parseUpgsqlPage(fixture(name));
  if (!parsed.ok) throw new Error(parsed.problem);
  return { items: parsed.page.items.map(normalizeUpgsqlBackup), total: parsed.page.total };
}

function tidbFixture(name: string): { items: NormalizedBackup[]; total: number | undefined } {
  const parsed = parseTidbPage(fixture(name));
  if (!parsed.ok) throw new Error(parsed.problem);
  return { items: parsed.page.items.map(normalizeTidbBackup), total: parsed.page.total };
}

describe('UCloud ListUPgSQLBackup pages', () => {
  it('reads a DataSet page with a numeric-string TotalCount and every documented State', () => {
    const { items, total } = upgsqlFixture('list-upgsql-backup-page.json');

    expect(total).toBe(4);
    expect(items.map((b) => [b.backupId, b.status, b.trigger, b.kind])).toEqual([
      ['upgsql-bk-7f3a9c', 'completed', 'automated', 'full'],
      ['upgsql-bk-7f3a9b', 'failed', 'manual', 'full'],
      ['upgsql-bk-7f3a9d', 'running', 'manual', 'full'],
      ['upgsql-bk-1a0001', 'expired', 'automated', 'full'],
    ]);
    expect(items[0]).toMatchObject({
      name: 'auto_20260301020000',
      rawStatus: 'Success',
      startedAt: at('2026-03-01T02:00:00Z'),
      endedAt: at('2026-03-01T02:15:00Z'),
      sizeBytes: 52_428_800,
    });
    expect(items.every((b) => b.problems === undefined)).toBe(true);
  });

  it('reads an unfinished backup with BackupEndTime 0 as not ended, and a start time sent as text', () => {
    const running = upgsqlFixture('list-upgsql-backup-page.json').items[2];
    expect(running).toMatchObject({ startedAt: at('2026-03-01T05:30:00Z'), endedAt: null });
  });

  it("reads the document's example under Data, with its placeholder State and BackupType reported as problems", () => {
    const { items, total } = upgsqlFixture('list-upgsql-backup-doc-example.json');

    expect(total).toBe(3);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      backupId: 'jKlVVkmg',
      name: 'qBNVHaRs',
      status: 'unknown',
      rawStatus: 'ciSlAoMG',
      trigger: 'unknown',
      startedAt: 3000,
      sizeBytes: 1,
    });
    expect(items[0]?.problems).toEqual(['State: unknown word "ciSlAoMG"', 'BackupType: 3 is neither 1 (automatic) nor 2 (manual)']);
    expect(items[0]?.raw).toMatchObject({ InstanceID: 'SCsFwxvD', Region: 'fYoZJRsx' });
  });

  it.each([
    ['Success', 'completed'],
    ['Failed', 'failed'],
    ['Backuping', 'running'],
    ['Expired', 'expired'],
    ['success', 'unknown'],
    ['Deleting', 'unknown'],
  ] as const)('maps State %j to status %s, matching the documented words exactly', (state, status) => {
    const backup = normalizeUpgsqlBackup(upgsqlBackupItem.parse({ BackupID: 'b', State: state }));
    expect(backup.status).toBe(status);
    expect(backup.rawStatus).toBe(state);
    expect(backup.problems !== undefined).toBe(status === 'unknown');
  });

  it('keeps an item without State as unknown and says why', () => {
    const backup = normalizeUpgsqlBackup(upgsqlBackupItem.parse({ BackupID: 'b' }));
    expect(backup).toMatchObject({ status: 'unknown', rawStatus: '', problems: ['State: missing'] });
  });

  it('keeps an item whose end time is not a number, with a null end and a problem', () => {
    const backup = normalizeUpgsqlBackup(
      upgsqlBackupItem.parse({ BackupID: 'b', State: 'Success', BackupStartTime: 1772330400, BackupEndTime: '2026-03-01T02:15:00Z' }),
    );
    expect(backup).toMatchObject({ status: 'completed', startedAt: at('2026-03-01T02:00:00Z'), endedAt: null });
    expect(backup.problems).toEqual(['BackupEndTime: "2026-03-01T02:15:00Z" is not a unix time in seconds']);
    expect(backup.raw.BackupEndTime).toBe('2026-03-01T02:15:00Z');
  });

  it('refuses a page whose item has no BackupID, naming the field', () => {
    expect(parseUpgsqlPage({ RetCode: 0, TotalCount: 1, DataSet: [{ State: 'Success' }] })).toEqual({
      ok: false,
      problem: 'DataSet[0].BackupID: expected a non-empty string or a number',
    });
  });

  it('reads a page without a list as no items', () => {
    expect(parseUpgsqlPage({ RetCode: 0, TotalCount: 0 })).toEqual({ ok: true, page: { items: [], total: 0 } });
  });
});

describe('UCloud ListTiDBClusterBackup pages', () => {
  it('reads a Data array, converting MB to bytes and State case-insensitively', () => {
    const { items, total } = tidbFixture('list-tidb-backup-data-array.json');

    expect(total).toBeUndefined();
    expect(items.map((b) => [b.backupId, b.status, b.rawStatus, b.trigger, b.kind])).toEqual([
      ['tidb-bk-0301', 'completed', 'Success', 'automated', 'unknown'],
      ['tidb-bk-0228', 'failed', 'FAILED', 'manual', 'unknown'],
      ['tidb-bk-0301b', 'running', 'running', 'unknown', 'full'],
      ['tidb-bk-0227', 'unknown', 'Paused', 'unknown', 'unknown'],
    ]);
    expect(items[0]).toMatchObject({ startedAt: at('2026-03-01T02:00:00Z'), endedAt: at('2026-03-01T03:00:00Z'), sizeBytes: 2048 * MIB });
    expect(items[2]?.endedAt).toBeNull();
  });

  it('keeps an unknown State and an unreadable start time as unknown and null, listing both', () => {
    const paused = tidbFixture('list-tidb-backup-data-array.json').items[3];
    expect(paused).toMatchObject({ status: 'unknown', startedAt: null, endedAt: at('2026-02-27T03:00:00Z'), sizeBytes: 1.5 * MIB });
    expect(paused?.problems).toEqual([
      'State: unknown word "Paused"',
      'BackupStartTime: "2026-02-27 02:00:00" is not a unix time in seconds',
    ]);
  });

  it('reads a single BackupData object as one backup', () => {
    const { items, total } = tidbFixture('list-tidb-backup-backupdata-object.json');
    expect(total).toBe(1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ backupId: 'tidb-bk-only', status: 'completed', sizeBytes: 512 * MIB });
  });

  it("reads the document's example, an empty BackupData object, as no backups", () => {
    expect(tidbFixture('list-tidb-backup-doc-example.json')).toEqual({ items: [], total: 8 });
  });

  it.each([
    ['Data array', { Data: [{ BackupId: 'x' }] }],
    ['Data object', { Data: { BackupId: 'x' } }],
    ['BackupData array', { BackupData: [{ BackupId: 'x' }] }],
    ['BackupData object', { BackupData: { BackupId: 'x' } }],
  ])('reads the list from a %s', (_shape, list) => {
    const parsed = parseTidbPage({ RetCode: 0, ...list });
    expect(parsed.ok && parsed.page.items.map((i) => i.BackupId)).toEqual(['x']);
  });

  it('refuses a BackupData object that has fields but no BackupId', () => {
    expect(parseTidbPage({ RetCode: 0, BackupData: { State: 'success' } })).toEqual({
      ok: false,
      problem: 'BackupData[0].BackupId: expected a non-empty string or a number',
    });
  });

  it('turns a numeric BackupId into a string id', () => {
    expect(normalizeTidbBackup(tidbBackupItem.parse({ BackupId: 42, State: 'success' })).backupId).toBe('42');
  });
});

describe('UCloud field parsing', () => {
  it.each([
    [1772330400, at('2026-03-01T02:00:00Z'), []],
    ['1772330400', at('2026-03-01T02:00:00Z'), []],
    [1772330400.5, at('2026-03-01T02:00:00Z') + 500, []],
    [0, null, []],
    [null, null, []],
    [undefined, null, []],
    ['', null, []],
    [-5, null, ['T: -5 is not a unix time in seconds']],
    ['yesterday', null, ['T: "yesterday" is not a unix time in seconds']],
    [1772330400000, null, ['T: 1772330400000 is too large for unix seconds (milliseconds?)']],
    [true, null, ['T: true is not a unix time in seconds']],
  ] as const)('reads the time %j as %s', (value, expected, problems) => {
    const found: string[] = [];
    expect(parseUnixSeconds(value, 'T', found)).toBe(expected);
    expect(found).toEqual(problems);
  });

  it.each([
    [2048, MIB, 2048 * MIB, []],
    ['2048', MIB, 2048 * MIB, []],
    [0.5, MIB, 524_288, []],
    [52428800, 1, 52_428_800, []],
    [null, 1, null, []],
    [-1, 1, null, ['S: -1 is not a size']],
    ['2 GB', 1, null, ['S: "2 GB" is not a size']],
    [{ value: 1 }, 1, null, ['S: {"value":1} is not a size']],
  ] as const)('reads the size %j in units of %i bytes as %s bytes', (value, unit, expected, problems) => {
    const found: string[] = [];
    expect(parseSize(value, 'S', unit, found)).toBe(expected);
    expect(found).toEqual(problems);
  });

  it('replaces a signed US3 link anywhere in raw', () => {
    const backup = normalizeUpgsqlBackup(
      upgsqlBackupItem.parse({
        BackupID: 'b',
        State: 'Success',
        Extra: { url: 'https://b.cn-bj.ufileos.com/x.tar?UCloudPublicKey=k&Signature=s&Expires=1' },
      }),
    );
    expect(backup.raw.Extra).toEqual({ url: '[redacted signed URL]' });
  });
});
