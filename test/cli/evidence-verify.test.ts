import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { evidenceDigest, evidenceHead, linkHash, ZERO_HASH } from '../../src/db/evidence.js';
import { recordLookup } from '../../src/db/evidence-verify.js';
import type { EvidenceKind } from '../../src/domain/evidence.js';
import { runCli } from '../helpers/cli.js';
import { writeEvidence } from '../helpers/evidence.js';
import { tempConfig } from '../helpers/temp.js';

// An attacker with write access to the database file changes it with better-sqlite3 directly, as
// anyone could; `evidence verify` must find each change and name what happened.

const CONFIG = `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: LTAI5tVerify, accessKeySecret: { env: ALI_SK } }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-orders }
`;

let dir: string;
let config: string;
let cleanup: () => void;
let head: string;
beforeEach(() => {
  ({ dir, config, cleanup } = tempConfig(CONFIG, 'ba-evidence-'));
  const db = openDatabase(join(dir, 'audit.db'));
  writeEvidence(db);
  head = evidenceHead(db)?.hash ?? '';
  closeDatabase(db);
});
afterEach(() => cleanup());

/** Changes the database file the way an attacker would: plain SQL, no product code. */
function tamper(sql: string, ...params: unknown[]): void {
  const db = new Database(join(dir, 'audit.db'));
  try {
    db.transaction(() => {
      for (const statement of sql.split(';').filter((s) => s.trim() !== ''))
        db.prepare(statement).run(...(statement.includes('?') ? params : []));
    })();
  } finally {
    db.close();
  }
}

interface Verdict {
  ok: boolean;
  links: number;
  problems: { break: string; seq: number | null; kind: string | null; ref: string | null; message: string }[];
}
const verify = async (...args: string[]) => {
  const r = await runCli(['--config', config, 'evidence', 'verify', '--json', ...args]);
  return { code: r.code, verdict: JSON.parse(r.stdout || '{}') as Verdict, stderr: r.stderr };
};

describe('evidence verify', () => {
  it('finds an untouched database intact and holding its published head', async () => {
    const { code, verdict } = await verify('--head', head);
    expect(verdict).toMatchObject({ ok: true, links: 12, problems: [] });
    expect(code).toBe(0);
    const text = await runCli(['--config', config, 'evidence', 'verify']);
    expect(text.stdout).toMatch(/^evidence chain intact: 12 links since 2026-11-19T23:00:00Z .*; head 12 [0-9a-f]{64}\n$/);
  });

  it('names an edited record', async () => {
    tamper(`UPDATE finding_events SET reason = 'all fine'`);
    const { code, verdict } = await verify();
    expect(code).toBe(1);
    expect(verdict.problems[0]).toMatchObject({ break: 'edited', kind: 'finding-event', ref: '1' });
  });

  it('names an edited backup event within the poll that chained it', async () => {
    tamper(`UPDATE backup_events SET to_status = 'completed' WHERE to_status = 'running'`);
    const { verdict } = await verify();
    expect(verdict.problems[0]).toMatchObject({ break: 'edited', kind: 'backup-events', ref: '1-2' });
  });

  it('names a deleted record', async () => {
    tamper(`DELETE FROM drills`);
    const { code, verdict } = await verify();
    expect(code).toBe(1);
    expect(verdict.problems[0]).toMatchObject({ break: 'deleted', kind: 'drill', ref: 'drill-1' });
    expect(verdict.problems[0]?.message).toContain('drill drill-1 (link 11) is gone from drills');
  });

  it('names a record inserted behind the chain', async () => {
    tamper(
      `INSERT INTO finding_events (target_id, rule_id, from_state, to_state, at, reason)
       VALUES ('orders', 'recent-success', 'alarm', 'ok', 1, 'fixed')`,
    );
    const { code, verdict } = await verify();
    expect(code).toBe(1);
    expect(verdict.problems[0]).toMatchObject({ break: 'inserted', seq: null, kind: 'finding-event', ref: '2' });
  });

  it('names a link inserted into the chain', async () => {
    tamper(
      `UPDATE evidence_chain SET seq = seq + 1000 WHERE seq >= 9; UPDATE evidence_chain SET seq = seq - 999 WHERE seq > 1000;
      INSERT INTO evidence_chain (seq, kind, ref, at, hash) VALUES (9, 'config', 'forged', 0, ?)`,
      Buffer.alloc(32, 0xbb),
    );
    const { verdict } = await verify();
    expect(verdict.problems[0]).toMatchObject({ break: 'inserted', seq: 9, kind: 'config' });
  });

  it('names links put in another order', async () => {
    // Links 9 and 10 swap places (through negative seqs, as the primary key is unique at every step).
    tamper(`UPDATE evidence_chain SET seq = -seq WHERE seq IN (9, 10);
      UPDATE evidence_chain SET seq = CASE seq WHEN -9 THEN 10 ELSE 9 END WHERE seq IN (-9, -10)`);
    const { verdict } = await verify();
    expect(verdict.problems[0]).toMatchObject({ break: 'reordered', seq: 9, kind: 'silence-expired' });
  });

  it('names a truncated chain against the head published before', async () => {
    // The last link (a run of identical polls) cut, and the run made to look still open, so not yet chained.
    tamper(`DELETE FROM evidence_chain WHERE seq = 12; UPDATE poll_runs SET open = 1 WHERE id = 2`);
    // Without the published head a clean cut of the newest links cannot be told from a shorter history.
    expect((await verify()).verdict.ok).toBe(true);
    const { code, verdict } = await verify('--head', head);
    expect(code).toBe(1);
    expect(verdict.problems[0]).toMatchObject({ break: 'truncated', seq: null });
    expect(verdict.problems[0]?.message).toContain(head);
  });

  it('names a rewritten chain, re-hashed after an edit, against the head published before', async () => {
    tamper(`UPDATE finding_events SET reason = 'all fine'`);
    rehash();
    expect((await verify()).verdict.ok).toBe(true);
    expect((await verify('--head', head)).verdict.problems[0]).toMatchObject({ break: 'truncated' });
  });

  it('refuses a --head that is not a chain hash, naming the option', async () => {
    const r = await runCli(['--config', config, 'evidence', 'verify', '--head', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('evidence verify: --head: must be the 64 hex digits');
  });
});

/**
 * What a thorough attacker does after an edit: recompute every link's hash over the records as they now
 * are. SHA-256 has no key and the canonical encoding is public, so the product's own functions serve.
 */
function rehash(): void {
  const db = openDatabase(join(dir, 'audit.db'));
  try {
    const links = db.$client.prepare(`SELECT seq, kind, ref, at FROM evidence_chain ORDER BY seq`).all() as Link[];
    const lookup = recordLookup(db);
    let previous = ZERO_HASH;
    for (const l of links) {
      const hash = linkHash(previous, evidenceDigest(l.kind, l.ref, l.at, lookup(l.kind, l.ref).row));
      db.$client.prepare(`UPDATE evidence_chain SET hash = ? WHERE seq = ?`).run(Buffer.from(hash, 'hex'), l.seq);
      previous = hash;
    }
  } finally {
    closeDatabase(db);
  }
}

interface Link {
  seq: number;
  kind: EvidenceKind;
  ref: string;
  at: number;
}
