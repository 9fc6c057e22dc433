import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeAliyunBackup, parseAliyunTime, parseBytes } from '../../../src/providers/aliyun/normalize.js';
import { type AliyunBackupItem, aliyunBackupItem, pageItems, parseDescribeBackupsPage } from '../../../src/providers/aliyun/schema.js';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/aliyun/${name}`, import.meta.url), 'utf8'));
}

/** A Success/FullBackup/Automated item; override any field, or pass undefined to drop one. */
function item(over: Record<string, unknown> = {}): AliyunBackupItem {
  const base: Record<string, unknown> = {
    BackupId: 321020562,
    DBInstanceId: 'rm-uf6wjk5xxxxxxx',
    BackupStatus: 'Success',
    BackupStartTime: '2019-02-03T12:20:00Z',
    BackupEndTime: '2019-02-03T12:22:00Z',
    BackupType: 'FullBackup',
    BackupMode: 'Automated',
    BackupSize: 2167808,
    ...over,
  };
  for (const key of Object.keys(base)) if (base[key] === undefined) delete base[key];
  return aliyunBackupItem.parse(base);
}

describe('Alibaba DescribeBackups normalization', () => {
  it.each([
    ['Success', 'completed'],
    ['Failed', 'failed'],
    ['Running', 'unknown'],
    ['success', 'unknown'],
    ['', 'unknown'],
  ] as const)('maps BackupStatus %j to status %s and keeps the word verbatim', (word, status) => {
    const backup = normalizeAliyunBackup(item({ BackupStatus: word }));
    expect(backup.status).toBe(status);
    expect(backup.rawStatus).toBe(word);
  });

  it.each([
    ['FullBackup', 'full'],
    ['IncrementalBackup', 'incremental'],
    ['DifferentialBackup', 'unknown'],
    [undefined, 'unknown'],
  ] as const)('maps BackupType %j to kind %s', (word, kind) => {
    expect(normalizeAliyunBackup(item({ BackupType: word })).kind).toBe(kind);
  });

  it.each([
    ['Automated', 'automated'],
    ['Manual', 'manual'],
    ['Scheduled', 'unknown'],
    [null, 'unknown'],
  ] as const)('maps BackupMode %j to trigger %s', (word, trigger) => {
    expect(normalizeAliyunBackup(item({ BackupMode: word })).trigger).toBe(trigger);
  });

  it.each([
    ['2019-02-03T12:20:00Z', Date.UTC(2019, 1, 3, 12, 20, 0)],
    ['2019-02-03T12:20Z', Date.UTC(2019, 1, 3, 12, 20, 0)],
    ['2020-02-29T23:59:59Z', Date.UTC(2020, 1, 29, 23, 59, 59)],
    ['2019-02-30T12:20:00Z', null],
    ['2019-02-03T24:00:00Z', null],
    ['2019-02-03T12:20:00+08:00', null],
    ['2019-02-03 12:20:00', null],
    ['2019-02-03T12:20:00.123Z', null],
    ['', null],
    [null, null],
    [undefined, null],
  ] as const)('parses the time %j exactly as %s', (text, expected) => {
    expect(parseAliyunTime(text)).toBe(expected);
  });

  it('keeps an unparseable time as null with the text still in raw', () => {
    const backup = normalizeAliyunBackup(item({ BackupEndTime: 'yesterday' }));
    expect(backup.endedAt).toBeNull();
    expect(backup.raw.BackupEndTime).toBe('yesterday');
  });

  it.each([
    [2167808, 2167808],
    ['2167808', 2167808],
    [' 42 ', 42],
    [0, 0],
    ['0', 0],
    [-1, null],
    ['1.5', null],
    ['2 GB', null],
    ['', null],
    [null, null],
  ] as const)('reads BackupSize %j as %s bytes', (size, bytes) => {
    expect(parseBytes(size)).toBe(bytes);
  });

  it('turns a numeric BackupId into a string id and has no backup name', () => {
    const backup = normalizeAliyunBackup(item({ BackupId: 321020562 }));
    expect(backup.backupId).toBe('321020562');
    expect(backup.name).toBeNull();
  });

  it('refuses a numeric BackupId too large to be exact rather than store a rounded id', () => {
    expect(aliyunBackupItem.safeParse({ BackupId: 2 ** 53 + 2, BackupStatus: 'Success' }).success).toBe(false);
  });
});

describe('Alibaba DescribeBackups fixtures', () => {
  it('reads the documented page with string counts, mixed id types and extra fields', () => {
    const parsed = parseDescribeBackupsPage(fixture('describe-backups-page.json'));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.page.TotalRecordCount).toBe(2);
    expect(parsed.page.PageNumber).toBe(1);
    const [first, second] = pageItems(parsed.page).map(normalizeAliyunBackup);
    expect(first).toMatchObject({
      backupId: '321020562',
      status: 'completed',
      kind: 'full',
      trigger: 'automated',
      startedAt: Date.parse('2019-02-03T12:20:00Z'),
      endedAt: Date.parse('2019-02-03T12:22:00Z'),
      sizeBytes: 2167808,
    });
    expect(second).toMatchObject({
      backupId: '321020563',
      status: 'failed',
      kind: 'incremental',
      trigger: 'manual',
      endedAt: null,
      sizeBytes: 0,
    });
    expect(second?.startedAt).toBe(Date.parse('2019-02-02T12:20:00Z'));
  });

  it('removes every signed download link from raw and keeps the rest', () => {
    const parsed = parseDescribeBackupsPage(fixture('describe-backups-page.json'));
    if (!parsed.ok) throw new Error(parsed.problem);
    const raw = normalizeAliyunBackup(pageItems(parsed.page)[0] as AliyunBackupItem).raw;
    const text = JSON.stringify(raw);
    expect(raw).not.toHaveProperty('BackupDownloadURL');
    expect(raw).not.toHaveProperty('BackupIntranetDownloadURL');
    expect(raw).not.toHaveProperty('BackupDownloadLinkByDB');
    expect(text).not.toMatch(/Signature=|OSSAccessKeyId|aliyuncs\.com/);
    expect(raw).toMatchObject({ BackupId: 321020562, HostInstanceID: '5882781', StoreStatus: 'Disabled', StorageClass: '0' });
  });

  it('redacts a signed URL hiding in a field it does not know', () => {
    const raw = normalizeAliyunBackup(item({ Extra: { link: 'https://x.oss.example/a?Expires=1&OSSAccessKeyId=k&Signature=s' } })).raw;
    expect(raw.Extra).toEqual({ link: '[redacted signed URL]' });
  });

  it('reads an empty page whose Items is {} as no items', () => {
    const parsed = parseDescribeBackupsPage(fixture('describe-backups-empty-page.json'));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.page.TotalRecordCount).toBe(0);
    expect(pageItems(parsed.page)).toEqual([]);
  });

  it.each([[{}], [{ Backup: [] }], [undefined], [null]])('reads Items %j as no items', (items) => {
    const parsed = parseDescribeBackupsPage({ TotalRecordCount: '0', PageNumber: '1', ...(items !== undefined && { Items: items }) });
    expect(parsed.ok && pageItems(parsed.page)).toEqual([]);
  });

  it('keeps every item of a page whose one item has a numeric BackupStatus, that one as unknown', () => {
    const parsed = parseDescribeBackupsPage(fixture('describe-backups-malformed-page.json'));
    if (!parsed.ok) throw new Error(parsed.problem);
    const backups = pageItems(parsed.page).map(normalizeAliyunBackup);
    expect(backups.map((b) => [b.backupId, b.status])).toEqual([
      ['401', 'completed'],
      ['402', 'completed'],
      ['403', 'failed'],
      ['404', 'unknown'],
    ]);
    expect(backups[3]).toMatchObject({ rawStatus: '1', problems: ['BackupStatus: 1 is not a word'] });
  });

  it.each([
    [{ BackupStatus: 'Success' }, 'Items.Backup[0].BackupId: expected a number or a non-empty string'],
    [{ BackupId: '  ', BackupStatus: 'Success' }, 'Items.Backup[0].BackupId: expected a number or a non-empty string'],
    [{ BackupId: 2 ** 60, BackupStatus: 'Success' }, 'Items.Backup[0].BackupId: number too large to be an exact id'],
    ['a string', 'Items.Backup[0].BackupId: expected an object with a BackupId'],
  ])('refuses a page whose item %j has no usable id, naming it', (bad, problem) => {
    const parsed = parseDescribeBackupsPage({
      TotalRecordCount: 2,
      PageNumber: 1,
      Items: { Backup: [bad, { BackupId: 2, BackupStatus: 'Success' }] },
    });
    expect(parsed).toEqual({ ok: false, problem });
  });

  it('rejects a page whose total is not a count', () => {
    const parsed = parseDescribeBackupsPage({ TotalRecordCount: 'many', PageNumber: 1 });
    expect(parsed).toEqual({ ok: false, problem: 'TotalRecordCount: expected a non-negative integer or numeric string' });
  });
});

describe('normalizeAliyunBackup() problems', () => {
  const item = {
    BackupId: 7,
    DBInstanceId: 'rm-1',
    BackupStatus: 'Success',
    BackupStartTime: '2019-02-03T12:00:00Z',
    BackupEndTime: '2019-02-03T12:20:00Z',
    BackupType: 'FullBackup',
    BackupMode: 'Automated',
    BackupMethod: 'Physical',
    BackupSize: 1024,
  };

  it('lists nothing for an item it fully understood', () => {
    expect(normalizeAliyunBackup(item as never).problems).toBeUndefined();
  });

  it('keeps an item with an unknown status and an unreadable time, and says what it could not read', () => {
    const b = normalizeAliyunBackup({ ...item, BackupStatus: 'Paused', BackupEndTime: '2019-02-30T12:20:00Z', BackupSize: 'big' } as never);
    expect(b).toMatchObject({ status: 'unknown', rawStatus: 'Paused', endedAt: null, sizeBytes: null });
    expect(b.problems).toEqual([
      'BackupStatus: unknown word "Paused"',
      'BackupEndTime: "2019-02-30T12:20:00Z" is not a time',
      'BackupSize: "big" is not a size in bytes',
    ]);
  });

  it.each([
    [undefined, '', 'BackupStatus: missing'],
    [null, '', 'BackupStatus: missing'],
    [1, '1', 'BackupStatus: 1 is not a word'],
    [{ code: 'ok' }, '{"code":"ok"}', 'BackupStatus: {"code":"ok"} is not a word'],
  ])('keeps an item whose BackupStatus is %j as unknown with its raw text, and says why', (value, rawStatus, problem) => {
    const b = normalizeAliyunBackup(aliyunBackupItem.parse({ ...item, BackupStatus: value }));
    expect(b).toMatchObject({ status: 'unknown', rawStatus, startedAt: Date.parse('2019-02-03T12:00:00Z') });
    expect(b.problems).toEqual([problem]);
  });

  it('reads numeric times and an object size as null and lists each as a problem', () => {
    const b = normalizeAliyunBackup(
      aliyunBackupItem.parse({ ...item, BackupStartTime: 1549195200, BackupEndTime: 1549196400000, BackupSize: { bytes: 1 } }),
    );
    expect(b).toMatchObject({ status: 'completed', startedAt: null, endedAt: null, sizeBytes: null });
    expect(b.problems).toEqual([
      'BackupStartTime: 1549195200 is not a time',
      'BackupEndTime: 1549196400000 is not a time',
      'BackupSize: {"bytes":1} is not a size in bytes',
    ]);
    expect(b.raw).toMatchObject({ BackupStartTime: 1549195200, BackupSize: { bytes: 1 } });
  });

  it('reads a numeric BackupType or BackupMode as an unknown kind or trigger and lists it', () => {
    const b = normalizeAliyunBackup(aliyunBackupItem.parse({ ...item, BackupType: 2, BackupMode: false }));
    expect(b).toMatchObject({ kind: 'unknown', trigger: 'unknown', status: 'completed' });
    expect(b.problems).toEqual(['BackupType: 2 is not a word', 'BackupMode: false is not a word']);
  });

  it('cuts a huge unreadable value short in the problem text', () => {
    const b = normalizeAliyunBackup(aliyunBackupItem.parse({ ...item, BackupEndTime: 'x'.repeat(500) }));
    expect(b.problems?.[0]).toMatch(/^BackupEndTime: "x{59}… is not a time$/);
  });
});
