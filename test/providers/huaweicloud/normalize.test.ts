import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeDdsBackup, normalizeOtcRdsBackup, parseDdsTime, parseOtcTime } from '../../../src/providers/huaweicloud/normalize.js';
import { type GatewayBackupItem, gatewayBackupItem, parseBackupsPage } from '../../../src/providers/huaweicloud/schema.js';

/** The items of a fixture page, validated as the adapters validate them. */
function fixtureItems(name: string): GatewayBackupItem[] {
  const parsed = parseBackupsPage(JSON.parse(readFileSync(new URL(`../../fixtures/huawei/${name}`, import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(`fixture ${name}: ${parsed.problem}`);
  return parsed.page.backups;
}

/** A COMPLETED/auto item in the service's own shape; override any field, or pass undefined to drop one. */
function item(service: 'rds' | 'dds', over: Record<string, unknown> = {}): GatewayBackupItem {
  const base: Record<string, unknown> = {
    id: 'b1',
    name: 'nightly',
    type: 'auto',
    size: 2803,
    status: 'COMPLETED',
    begin_time: service === 'rds' ? '2018-08-06T12:41:14+0800' : '2018-08-06 12:41:14',
    end_time: service === 'rds' ? '2018-08-06T12:43:14+0800' : '2018-08-06 12:43:14',
    ...over,
  };
  for (const key of Object.keys(base)) if (base[key] === undefined) delete base[key];
  return gatewayBackupItem.parse(base);
}

const normalizers = { rds: normalizeOtcRdsBackup, dds: normalizeDdsBackup } as const;

describe('OTC RDS and DDS pages shaped like the documentation examples', () => {
  it('reads the MySQL example: +0800 offsets to UTC, 2803 kB to bytes, auto as an automated full backup', () => {
    const [backup] = fixtureItems('otc-rds-backups-mysql.json').map(normalizeOtcRdsBackup);
    expect(backup).toEqual({
      backupId: '43e4feaab48f11e89039fa163ebaa7e4br01',
      name: 'xxxx.xxx',
      kind: 'full',
      trigger: 'automated',
      status: 'completed',
      rawStatus: 'COMPLETED',
      startedAt: Date.UTC(2018, 7, 6, 4, 41, 14),
      endedAt: Date.UTC(2018, 7, 6, 4, 43, 14),
      sizeBytes: 2803 * 1024,
      raw: expect.objectContaining({ datastore: { type: 'MySQL', version: '5.6' } }),
    });
  });

  it('keeps the PostgreSQL example with its spaced-out times as null times listed in problems', () => {
    const [backup] = fixtureItems('otc-rds-backups-postgresql.json').map(normalizeOtcRdsBackup);
    expect(backup).toMatchObject({
      backupId: '43e4feaab48f11e89039fa163ebaa7e4br03',
      kind: 'incremental',
      trigger: 'automated',
      status: 'completed',
      startedAt: null,
      endedAt: null,
      sizeBytes: 2803 * 1024,
    });
    expect(backup?.problems).toEqual([
      'begin_time: "2018 - 08 - 06 T12: 41: 14 + 0800" is not a time',
      'end_time: "2018 - 08 - 06 T12: 43: 14 + 0800" is not a time',
    ]);
  });

  it('reads the SQL Server example whose id key is written "id " and says so', () => {
    const [backup] = fixtureItems('otc-rds-backups-sqlserver.json').map(normalizeOtcRdsBackup);
    expect(backup).toMatchObject({
      backupId: '43e4feaab48f11e89039fa163ebaa7e4br04',
      kind: 'full',
      trigger: 'manual',
      startedAt: Date.UTC(2018, 7, 6, 4, 41, 14),
    });
    expect(backup?.problems).toEqual(['key "id " has stray whitespace; read as id']);
    expect(backup?.raw).toHaveProperty('databases');
  });

  it('reads the DDS example: UTC times without a zone and 2803 KB to bytes', () => {
    const [backup] = fixtureItems('dds-backups.json').map(normalizeDdsBackup);
    expect(backup).toMatchObject({
      backupId: '43e4feaab48f11e89039fa163ebaa7e4br01',
      name: 'backup-test',
      kind: 'full',
      trigger: 'automated',
      status: 'completed',
      startedAt: Date.UTC(2018, 7, 6, 12, 41, 14),
      endedAt: Date.UTC(2018, 7, 6, 12, 43, 14),
      sizeBytes: 2803 * 1024,
    });
    expect(backup?.problems).toBeUndefined();
  });

  it('accepts an empty page with its total', () => {
    expect(parseBackupsPage({ backups: [], total_count: 0 })).toEqual({ ok: true, page: { backups: [], total_count: 0 } });
  });

  it('refuses a page whose item has no id, naming the field and not the values', () => {
    const parsed = parseBackupsPage(
      JSON.parse(readFileSync(new URL('../../fixtures/huawei/otc-rds-backups-malformed.json', import.meta.url), 'utf8')),
    );
    expect(parsed).toEqual({ ok: false, problem: 'backups[0].id: missing' });
  });

  it.each([
    [{ backups: [], total_count: -1 }, 'total_count'],
    [{ backups: {}, total_count: 0 }, 'backups'],
    [{ total_count: 3 }, 'backups'],
  ])('refuses a malformed page %j at %s', (page, path) => {
    const parsed = parseBackupsPage(page);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem.startsWith(path)).toBe(true);
  });
});

describe('status and type words', () => {
  it.each([
    ['rds', 'COMPLETED', 'completed'],
    ['rds', 'completed', 'completed'],
    ['rds', 'FAILED', 'failed'],
    ['rds', 'BUILDING', 'running'],
    ['rds', 'DELETING', 'deleting'],
    ['rds', 'DISABLED', 'unknown'],
    ['dds', 'DISABLED', 'deleting'],
    ['dds', 'Deleting', 'deleting'],
    ['dds', 'Building', 'running'],
    ['dds', 'SUCCESS', 'unknown'],
    ['dds', '', 'unknown'],
  ] as const)('%s status %j is %s, and the word is kept verbatim', (service, word, status) => {
    const backup = normalizers[service](item(service, { status: word }));
    expect(backup.status).toBe(status);
    expect(backup.rawStatus).toBe(word);
    expect(backup.problems !== undefined).toBe(status === 'unknown');
  });

  it('never counts an item without a status as completed', () => {
    const backup = normalizeOtcRdsBackup(item('rds', { status: undefined }));
    expect(backup).toMatchObject({ status: 'unknown', rawStatus: '' });
    expect(backup.problems).toEqual(['status: missing is not a known status']);
  });

  it.each([
    ['auto', 'full', 'automated'],
    ['Auto', 'full', 'automated'],
    ['MANUAL', 'full', 'manual'],
    ['Manual', 'full', 'manual'],
    ['incremental', 'incremental', 'automated'],
    ['Incremental', 'incremental', 'automated'],
    ['fragment', 'differential', 'unknown'],
    ['snapshot', 'unknown', 'unknown'],
  ] as const)('type %j is kind %s, trigger %s', (word, kind, trigger) => {
    for (const service of ['rds', 'dds'] as const)
      expect(normalizers[service](item(service, { type: word }))).toMatchObject({ kind, trigger });
  });
});

describe('times and sizes', () => {
  it.each([
    ['2018-08-06T12:41:14+0800', Date.UTC(2018, 7, 6, 4, 41, 14)],
    ['2018-08-06T12:41:14+08:00', Date.UTC(2018, 7, 6, 4, 41, 14)],
    ['2018-08-06T12:41:14-0530', Date.UTC(2018, 7, 6, 18, 11, 14)],
    ['2018-08-06T12:41:14Z', Date.UTC(2018, 7, 6, 12, 41, 14)],
    ['2018-08-06T12:41:14', null],
    ['2018-02-30T12:41:14+0800', null],
    ['2018-08-06T12:41:14+2500', null],
    ['2018 - 08 - 06 T12: 41: 14 + 0800', null],
  ])('OTC time %j is %s', (text, ms) => {
    expect(parseOtcTime(text)).toBe(ms);
  });

  it.each([
    ['2018-08-06 12:41:14', Date.UTC(2018, 7, 6, 12, 41, 14)],
    ['2018-08-06T12:41:14', Date.UTC(2018, 7, 6, 12, 41, 14)],
    ['2018-08-06 12:41:14+0800', Date.UTC(2018, 7, 6, 4, 41, 14)],
    ['2018-08-06 24:00:00', null],
    ['06/08/2018 12:41', null],
  ])('DDS time %j is %s', (text, ms) => {
    expect(parseDdsTime(text)).toBe(ms);
  });

  it('treats an empty end time of a running backup as not ended, without a problem', () => {
    const backup = normalizeDdsBackup(item('dds', { status: 'BUILDING', end_time: '' }));
    expect(backup).toMatchObject({ status: 'running', endedAt: null });
    expect(backup.problems).toBeUndefined();
  });

  it.each([
    [0, 0],
    [1.5, 1536],
    ['2803', 2803 * 1024],
    [-1, null],
    ['12 kB', null],
    [true, null],
  ])('size %j becomes %s bytes', (size, bytes) => {
    const backup = normalizeOtcRdsBackup(item('rds', { size }));
    expect(backup.sizeBytes).toBe(bytes);
    expect(backup.problems !== undefined).toBe(bytes === null);
  });
});
