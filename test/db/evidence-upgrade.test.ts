import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, migrationsFolder, openDatabase } from '../../src/db/client.js';
import { evidenceDigest, evidenceHead } from '../../src/db/evidence.js';
import { recordLookup, verifyEvidence } from '../../src/db/evidence-verify.js';
import { recordPoll } from '../../src/db/ingest.js';
import { expireSilence } from '../../src/db/silences.js';
import type { EvidenceKind } from '../../src/domain/evidence.js';
import { writeEvidence } from '../helpers/evidence.js';
import { tempDir } from '../helpers/temp.js';

const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string; when: number }[];
};
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('ba-evidence-upgrade-')));
afterEach(() => cleanup());

/** A database made by the schema just before the chain (migrations 0000–0004), with rows in it. */
function preChainDatabase(): string {
  const before = join(dir, 'migrations-before-chain');
  cpSync(migrationsFolder(), before, { recursive: true });
  const index = journal.entries.findIndex((e) => e.tag === '0005_evidence_chain');
  writeFileSync(join(before, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }));
  const path = join(dir, 'audit.db');
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: before });
  sqlite.exec(`INSERT INTO poll_runs (target_id, started_at, finished_at, outcome, pages, items) VALUES ('orders', 1, 2, 'ok', 1, 0);
    INSERT INTO finding_events (target_id, rule_id, from_state, to_state, at, reason)
      VALUES ('orders', 'recent-success', NULL, 'alarm', 2, 'stale');
    INSERT INTO silences (matchers, starts_at, ends_at, reason, created_at) VALUES ('{"target":"orders"}', 1, 9999999999999, 'old', 1)`);
  sqlite.close();
  return path;
}

describe('a database from before the evidence chain', () => {
  it('starts the chain with a genesis noting what predates it, and verifies from there on', () => {
    const db = openDatabase(preChainDatabase());
    try {
      expect(db.$client.prepare(`SELECT COUNT(*) FROM evidence_chain`).pluck().get()).toBe(0);
      writeEvidence(db);
      // A silence added before the chain can still be expired; the expiry is chained.
      expect(expireSilence(db, 1, Date.parse('2026-11-21T00:00:00Z'))).toBe(true);
      const genesis = db.$client.prepare(`SELECT kind, ref FROM evidence_chain WHERE seq = 1`).get() as { kind: string; ref: string };
      expect(genesis.kind).toBe('genesis');
      expect(JSON.parse(genesis.ref)).toMatchObject({ poll_runs: 1, finding_events: 1, silences: 1, backup_events: 0, drills: 0 });
      const verdict = verifyEvidence(db);
      expect(verdict.problems).toEqual([]);
      expect(verdict.genesisAt).not.toBeNull();
    } finally {
      closeDatabase(db);
    }
  });

  it('keeps one chain when two connections append in turn, as processes sharing the file do', () => {
    const path = preChainDatabase();
    const a = openDatabase(path);
    const b = openDatabase(path);
    try {
      for (let i = 0; i < 6; i++) {
        recordPoll(i % 2 === 0 ? a : b, {
          targetId: `t${i}`,
          startedAt: 10 * i,
          finishedAt: 10 * i + 5,
          outcome: { ok: false, pages: 0, error: { kind: 'network', message: 'reset' } },
        });
      }
      const verdict = verifyEvidence(a);
      expect(verdict.problems).toEqual([]);
      expect(verdict.links).toBe(7);
    } finally {
      closeDatabase(a);
      closeDatabase(b);
    }
  });
});

describe('a chain written before links were stored as bytes', () => {
  it('keeps every hash and digest across the upgrade, and still verifies and names an edit', () => {
    const path = join(dir, 'audit.db');
    let db = openDatabase(path);
    writeEvidence(db);
    const head = evidenceHead(db);
    const lookup = recordLookup(db);
    const links = db.$client.prepare(`SELECT seq, kind, ref, at, lower(hex(hash)) AS hash FROM evidence_chain ORDER BY seq`).all() as {
      seq: number;
      kind: EvidenceKind;
      ref: string;
      at: number;
      hash: string;
    }[];
    // The table as migration 0005 made it, each link with its digest and hash as 64 hex digits.
    db.$client.exec(`DROP TABLE evidence_chain; CREATE TABLE evidence_chain (seq integer PRIMARY KEY NOT NULL, kind text NOT NULL,
      ref text NOT NULL, at integer NOT NULL, digest text NOT NULL, hash text NOT NULL)`);
    // The blobs with the encoding column migration 0016 drops, which the rebuild of 0013 copies.
    db.$client.exec(`ALTER TABLE poll_page_blobs ADD encoding text NOT NULL DEFAULT 'gzip';
      UPDATE poll_page_blobs SET encoding = 'deflate-delta' WHERE base IS NOT NULL`);
    const insert = db.$client.prepare(`INSERT INTO evidence_chain VALUES (?, ?, ?, ?, ?, ?)`);
    for (const l of links) insert.run(l.seq, l.kind, l.ref, l.at, evidenceDigest(l.kind, l.ref, l.at, lookup(l.kind, l.ref).row), l.hash);
    const later = journal.entries.length - journal.entries.findIndex((e) => e.tag === '0010_evidence_chain_compact');
    // Migrations from 0010 on are pending again: drizzle applies what is newer than the newest it recorded.
    const before = journal.entries.slice(0, journal.entries.length - later).at(-1)?.when ?? 0;
    db.$client.prepare(`DELETE FROM __drizzle_migrations WHERE created_at > ?`).run(before);
    closeDatabase(db);
    db = openDatabase(path);
    try {
      expect(
        db.$client.prepare(`SELECT count(*) FROM evidence_chain WHERE typeof(hash) <> 'blob' OR length(digest) <> 32`).pluck().get(),
      ).toBe(0);
      expect(evidenceHead(db)).toEqual(head);
      expect(verifyEvidence(db, { head: head?.hash })).toMatchObject({ ok: true, links: links.length });
      db.$client.exec(`UPDATE finding_events SET reason = 'all fine'`);
      expect(verifyEvidence(db).problems[0]).toMatchObject({ break: 'edited', kind: 'finding-event', ref: '1' });
    } finally {
      closeDatabase(db);
    }
  });
});
