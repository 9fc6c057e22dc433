import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobBody } from '../../src/db/page-blobs.js';
import { type CliFleet, startCliFleet } from '../helpers/cli-fleet.js';
import { auditRows } from '../helpers/db.js';

interface Blob {
  hash: string;
  base: string | null;
  bytes: number;
  data: Buffer;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the provider answers kept with each poll', () => {
  let f: CliFleet;
  const blobs = () =>
    auditRows<Blob>(
      f.dir,
      `SELECT lower(hex(hash)) AS hash, CASE WHEN base IS NULL THEN NULL ELSE lower(hex(base)) END AS base, depth, bytes, data
         FROM poll_page_blobs`,
    );
  /** A stored body as the product reads it back (a delta is inflated over its bases). */
  const bodyOf = (hash: string | undefined): string => {
    const c = new Database(join(f.dir, 'audit.db'), { readonly: true });
    try {
      const found = blobBody({ $client: c }, hash as string);
      if ('problem' in found) throw new Error(`blob ${hash} ${found.problem}`);
      return found.text;
    } finally {
      c.close();
    }
  };
  const pagesOf = (target: string) =>
    auditRows<{ poll_id: number; page: number; hash: string; request_id: string | null }>(
      f.dir,
      `SELECT p.poll_id, p.page, lower(hex(p.hash)) AS hash, p.request_id FROM poll_pages p JOIN poll_runs r ON r.id = p.poll_id
       WHERE r.target_id = '${target}' ORDER BY p.poll_id, p.page`,
    );
  beforeAll(async () => {
    f = await startCliFleet();
    await f.cli('run-once');
  });
  afterAll(() => f?.close());

  it('stores each page body compressed under its SHA-256, the per-answer RequestId kept beside it', () => {
    const pages = pagesOf('payments-db');
    expect(pages).toHaveLength(1);
    const stored = blobs();
    expect(stored.length).toBeGreaterThanOrEqual(4); // one listing page per target
    for (const b of stored) {
      expect(b.base).toBeNull();
      const body = bodyOf(b.hash);
      expect(sha256(body)).toBe(b.hash);
      expect(Buffer.byteLength(body)).toBe(b.bytes);
    }
    const body = bodyOf(pages[0]?.hash);
    const page = JSON.parse(body) as { RequestId: string; Items: { Backup: unknown[] } };
    expect(page.Items.Backup).toHaveLength(8);
    expect(page.RequestId).toBe('');
    expect(pages[0]?.request_id).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('keeps nothing again for a poll that received the same pages: it joins the earlier poll in one run', async () => {
    const before = blobs().length;
    const pagesBefore = pagesOf('payments-db');
    await f.cli('run-once');
    expect(blobs()).toHaveLength(before);
    expect(pagesOf('payments-db')).toEqual(pagesBefore);
    expect(auditRows(f.dir, `SELECT polls FROM poll_runs WHERE target_id = 'payments-db'`)).toEqual([{ polls: 2 }]);
  });

  it('adds one blob when the listing changed', async () => {
    const before = blobs().length;
    const newest = f.sim.fleet.instance('rm-payments')?.backups[0];
    f.sim.fleet.updateBackup('rm-payments', newest?.id as string, { status: 'Failed' });
    await f.cli('run-once', '--target', 'payments-db');
    expect(blobs()).toHaveLength(before + 1);
    const pages = pagesOf('payments-db');
    expect(new Set(pages.map((p) => p.hash)).size).toBe(2);
    // The changed page is kept as a delta against the page before it, and reads back exactly.
    const [first, changed] = pages;
    const delta = blobs().find((b) => b.hash === changed?.hash) as Blob & { base: string; depth: number };
    expect(delta).toMatchObject({ base: first?.hash, depth: 1 });
    expect(delta.data.length).toBeLessThan(delta.bytes / 4);
    expect(sha256(bodyOf(changed?.hash))).toBe(changed?.hash);
  });

  it('keeps no credential: not the keys, not a signature, not a token', () => {
    const text = blobs()
      .map((b) => bodyOf(b.hash))
      .join('\n');
    for (const secret of [...Object.values(f.env), 'LTAI5tCliFleetKey', 'clifleet@example.com1296235120854146120'])
      expect(text).not.toContain(secret as string);
    for (const name of ['Signature', 'SignatureNonce', 'AccessKeyId', 'PublicKey', 'SecurityToken', 'Authorization', 'X-Auth-Token'])
      expect(text).not.toContain(name);
  });

  it('lists poll ids, and prints what the provider listed at one poll with its proof', async () => {
    const listed = await f.cli('history', 'payments-db');
    const ids = [...listed.stdout.matchAll(/poll {5}#(\d+) ok/g)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    expect(listed.stdout).toMatch(/#\d+ ok: .*; the same 2 times until \S+Z, never more than/);
    const [page] = pagesOf('payments-db');
    const r = await f.cli('history', 'payments-db', '--poll', ids[0] as string);
    expect(r.code).toBe(0);
    const received = { ...(JSON.parse(bodyOf(page?.hash)) as object), RequestId: page?.request_id };
    expect(r.stdout).toContain(`--- page 1 (sha256 ${page?.hash})\n${JSON.stringify(received, null, 2)}\n`);
    expect(r.stdout).toMatch(/verified: 1 body hash match; chained at link \d+ \(poll at link \d+\)/);
  });

  it('names a poll that does not exist, pointing at the list', async () => {
    const r = await f.cli('history', 'payments-db', '--poll', '999');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no poll 999 of payments-db; `backup-auditor history payments-db` lists the poll ids');
    expect((await f.cli('history', 'payments-db', '--poll', 'first')).stderr).toContain('--poll: a poll id is a whole number');
  });

  it('detects a stored body that was altered, and a page hash rewritten to match it', async () => {
    const [page] = pagesOf('payments-db');
    const db = new Database(join(f.dir, 'audit.db'));
    const forged = '{"Items":{"Backup":[]},"TotalRecordCount":0,"PageNumber":1}';
    try {
      db.prepare(`UPDATE poll_page_blobs SET data = ? WHERE hash = unhex(?)`).run(gzipSync(forged), page?.hash);
      const r = await f.cli('history', 'payments-db', '--poll', String(page?.poll_id));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`mismatch: page 1: the stored body hashes to ${sha256(forged)}, not to the recorded ${page?.hash}`);
      db.prepare(`UPDATE poll_page_blobs SET hash = unhex(?) WHERE hash = unhex(?)`).run(sha256(forged), page?.hash);
      db.prepare(`UPDATE poll_pages SET hash = unhex(?) WHERE hash = unhex(?)`).run(sha256(forged), page?.hash);
      const again = await f.cli('history', 'payments-db', '--poll', String(page?.poll_id));
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/mismatch: poll-pages \d+-\d+: the stored rows differ from what link \d+ chained/);
      expect((await f.cli('evidence', 'verify')).code).toBe(1);
    } finally {
      db.close();
    }
  });
});
