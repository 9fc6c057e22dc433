import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db, migrationsFolder, openDatabase } from '../../src/db/client.js';
import { blobBody, MAX_DELTA_DEPTH, storeBlob } from '../../src/db/page-blobs.js';
import { tempDatabase } from '../helpers/db.js';

let db: Db;
let path: string;
let cleanup: () => void;
beforeEach(() => ({ db, path, cleanup } = tempDatabase()));
afterEach(() => cleanup());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A listing page of backups `from..to`, as a provider would send it. */
const page = (from: number, to: number) =>
  JSON.stringify({
    Items: Array.from({ length: to - from + 1 }, (_, i) => ({
      BackupId: `b-${from + i}`,
      Status: 'Success',
      Size: 1e9 + (from + i) * 7919,
    })),
  });
const row = (hash: string) =>
  db.$client
    .prepare(
      `SELECT CASE WHEN base IS NULL THEN NULL ELSE lower(hex(base)) END AS base, depth, bytes, length(data) AS stored
         FROM poll_page_blobs WHERE hash = unhex(?)`,
    )
    .get(hash) as {
    base: string | null;
    depth: number;
    bytes: number;
    stored: number;
  };

describe('stored page bodies', () => {
  it('keeps a page that changed a little as a small delta on the page before it, and reads every one back exactly', () => {
    const hashes: string[] = [];
    for (let day = 0; day < MAX_DELTA_DEPTH + 5; day++) {
      const text = page(day, day + 30);
      storeBlob(db, sha256(text), text, hashes.at(-1) ?? null);
      hashes.push(sha256(text));
    }
    const rows = hashes.map(row);
    expect(rows[0]).toMatchObject({ base: null, depth: 0 });
    expect(rows[1]).toMatchObject({ base: hashes[0], depth: 1 });
    expect(rows[1]!.stored).toBeLessThan(rows[0]!.stored / 3);
    // Past the deepest chain a reader inflates, a page is a delta on the chain's first, still smaller than gzip.
    expect(Math.max(...rows.map((r) => r.depth))).toBe(MAX_DELTA_DEPTH);
    expect(rows[MAX_DELTA_DEPTH + 1]).toMatchObject({ base: hashes[0], depth: 1 });
    expect(rows[MAX_DELTA_DEPTH + 1]!.stored).toBeLessThan(rows[0]!.stored);
    expect(rows[MAX_DELTA_DEPTH + 2]).toMatchObject({ base: hashes[MAX_DELTA_DEPTH + 1], depth: 2 });
    for (const [day, h] of hashes.entries()) expect(blobBody(db, h)).toEqual({ text: page(day, day + 30) });
  });

  it('names a body whose base is gone instead of returning something else', () => {
    const [a, b] = [page(0, 10), page(1, 11)];
    storeBlob(db, sha256(a), a, null);
    storeBlob(db, sha256(b), b, sha256(a));
    db.$client.prepare(`DELETE FROM poll_page_blobs WHERE hash = unhex(?)`).run(sha256(a));
    expect(blobBody(db, sha256(b))).toEqual({ problem: `needs blob ${sha256(a)}, which is gone` });
    expect(blobBody(db, sha256(a))).toEqual({ problem: 'is gone from poll_page_blobs' });
  });

  it('reads the bodies stored while each blob also named its encoding, once the upgrade has dropped it', () => {
    const [a, b] = [page(0, 10), page(1, 11)];
    storeBlob(db, sha256(a), a, null);
    storeBlob(db, sha256(b), b, sha256(a));
    // The table as migration 0015 left it, and 0016 pending again.
    db.$client.exec(`ALTER TABLE poll_page_blobs ADD encoding text NOT NULL DEFAULT 'gzip';
      UPDATE poll_page_blobs SET encoding = 'deflate-delta' WHERE base IS NOT NULL`);
    const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string; when: number }[];
    };
    const before = journal.entries[journal.entries.findIndex((e) => e.tag === '0016_page_blob_encoding_from_base') - 1]?.when ?? 0;
    db.$client.prepare(`DELETE FROM __drizzle_migrations WHERE created_at > ?`).run(before);
    closeDatabase(db);
    db = openDatabase(path);
    const columns = db.$client.prepare(`SELECT name FROM pragma_table_info('poll_page_blobs')`).pluck().all();
    expect(columns).not.toContain('encoding');
    expect([blobBody(db, sha256(a)), blobBody(db, sha256(b))]).toEqual([{ text: a }, { text: b }]);
  });
});
